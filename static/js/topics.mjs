// Suggestions for a comma-separated topics field (lscb_portal.core.topics.TopicsWidget).
//
// The part after the last comma is looked up at the input's data-topics-suggest address; the matches
// go into a native <datalist> whose options carry what was already typed, so choosing one keeps the
// earlier topics. Works for inputs added later (new rows of a formset) too.
const lists = new WeakMap();
let serial = 0;

function datalistFor(input) {
  let list = lists.get(input);
  if (!list) {
    list = document.createElement("datalist");
    serial += 1;
    list.id = `topics-suggestions-${serial}`;
    input.after(list);
    input.setAttribute("list", list.id);
    lists.set(input, list);
  }
  return list;
}

async function suggest(input) {
  const text = input.value;
  const cut = text.lastIndexOf(",");
  const typed = text.slice(cut + 1).trim();
  const before = cut >= 0 ? `${text.slice(0, cut + 1).trimEnd()} ` : "";
  const list = datalistFor(input);
  if (!typed) {
    list.replaceChildren();
    return;
  }
  const url = new URL(input.dataset.topicsSuggest, window.location.href);
  url.searchParams.set("q", typed);
  let names = [];
  try {
    const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (response.ok) names = (await response.json()).topics || [];
  } catch {
    return;
  }
  if (input.value !== text) return; // typed on meanwhile
  const chosen = new Set(text.slice(0, cut + 1).split(",").map((name) => name.trim().toLowerCase()));
  list.replaceChildren(
    ...names
      .filter((name) => !chosen.has(name.toLowerCase()))
      .map((name) => {
        const option = document.createElement("option");
        option.value = `${before}${name}`;
        return option;
      }),
  );
}

const timers = new WeakMap();
document.addEventListener("input", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.dataset.topicsSuggest) return;
  clearTimeout(timers.get(input));
  timers.set(input, setTimeout(() => suggest(input), 120));
});
