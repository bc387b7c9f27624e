// Wagtail admin under the Content-Security-Policy (hub/csp.py). The rich text editor (Draftail)
// writes <style> elements from its scripts: placeholder texts and the numbering of nested
// lists. The policy admits a style element only with the response's nonce, so elements that
// the admin's own scripts create get it; a <style> that reaches the page as HTML stays blocked.
(() => {
  "use strict";
  const nonce = document.currentScript.nonce;
  const createElement = Document.prototype.createElement;
  Document.prototype.createElement = function (tagName, options) {
    const element = createElement.call(this, tagName, options);
    if (element instanceof HTMLStyleElement) {
      element.nonce = nonce;
    }
    return element;
  };
})();
