// The portal's own rich-text editor extensions, loaded by django-prose-editor's configurable preset
// (settings.DJANGO_PROSE_EDITOR_EXTENSIONS) beside its own.
import { Extension, Link } from "django-prose-editor/editor";

// A link keeps the address it was given. The stock extension re-links, on paste, any text that
// looks like a web address to that text: <a href="https://www.gov.uk/universal-credit">www.gov.uk</a>
// became a link to http://www.gov.uk. Typed addresses are still linked as they are typed.
export const KeptLink = Link.extend({
  addPasteRules() {
    return [];
  },
});

// The editing area is named by its field's label, so screen readers say what it is for.
export const LabelledEditor = Extension.create({
  name: "labelledEditor",
  onCreate() {
    const area = this.editor.view.dom;
    const textarea = area.closest(".prose-editor")?.querySelector("textarea[id]");
    const label = textarea && document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
    if (label) {
      label.id ||= `${textarea.id}-label`;
      area.setAttribute("aria-labelledby", label.id);
    } else if (textarea) {
      area.setAttribute("aria-label", textarea.name);
    }
  },
});
