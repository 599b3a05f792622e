// The issue composer: article rows that move up and down by button (for keyboard and pointer alike),
// numbered in order, with each row's summary showing the title as it is typed.
// Works with django-nested-admin's formsets: rows it adds arrive with "formset:added".

const live = document.createElement("div");
live.className = "visually-hidden";
live.setAttribute("aria-live", "polite");
document.body.append(live);

function prefixOf(group) {
  return group.id.replace(/-group$/, "");
}

function rows(group) {
  const items = group.querySelector(":scope > .djn-items");
  return items ? [...items.children].filter((row) => row.matches(".djn-inline-form:not(.djn-empty-form)")) : [];
}

function ownField(row, group, name) {
  const pattern = new RegExp(`^${prefixOf(group)}-\\d+-${name}$`);
  return [...row.querySelectorAll(`[name$="-${name}"]`)].find((field) => pattern.test(field.name));
}

function renumber(group) {
  rows(group).forEach((row, index) => {
    const position = ownField(row, group, "position");
    if (position) position.value = index + 1;
    const number = row.querySelector(".lscb-composer__number");
    if (number) number.textContent = `${index + 1}.`;
  });
}

function titleOf(row, group) {
  const title = ownField(row, group, "title");
  return (title && title.value.trim()) || "New article";
}

function move(row, group, step) {
  const siblings = rows(group);
  const index = siblings.indexOf(row);
  const target = siblings[index + step];
  if (!target) return;
  if (step < 0) target.before(row);
  else target.after(row);
  renumber(group);
  live.textContent = `“${titleOf(row, group)}” is now number ${index + step + 1} of ${siblings.length}.`;
}

function button(label, onClick) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "button";
  element.textContent = label;
  element.addEventListener("click", onClick);
  return element;
}

function equip(row, group) {
  if (row.dataset.composer || row.matches(".djn-empty-form")) return;
  row.dataset.composer = "1";
  let tools = row.querySelector(":scope > .lscb-composer__tools");
  if (!tools) {
    tools = document.createElement("div");
    tools.className = "lscb-composer__tools";
    row.append(tools);
  }
  const up = button("Move up", () => move(row, group, -1));
  const down = button("Move down", () => move(row, group, 1));
  tools.prepend(up, down);
  const label = row.querySelector(".lscb-composer__title");
  if (label) {
    // The buttons say which article they move.
    label.id = `${row.id}-title`;
    for (const element of [up, down]) element.setAttribute("aria-describedby", label.id);
  }
  const title = ownField(row, group, "title");
  if (title && label) title.addEventListener("input", () => (label.textContent = titleOf(row, group)));
}

function setUp(group) {
  rows(group).forEach((row) => equip(row, group));
  renumber(group);
}

const groups = () => [...document.querySelectorAll(".lscb-composer")];
groups().forEach(setUp);

document.addEventListener("formset:added", (event) => {
  for (const group of groups()) {
    const fresh = rows(group).filter((row) => !row.dataset.composer);
    fresh.forEach((row) => {
      equip(row, group);
      const details = row.querySelector(".lscb-composer__details");
      if (details) details.open = true;
    });
    if (fresh.length) renumber(group);
  }
});

document.addEventListener("submit", () => groups().forEach(renumber), true);
