// Marks the page as having JavaScript before it paints, as GOV.UK Frontend expects.
// An external file (not an inline script) so a strict Content Security Policy can apply.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
