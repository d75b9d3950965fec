/* widget_told.js: what a buyer tells with a price request; load after kit.js, before widget.js.
 * The widget's collapsed "Have a competing offer?" section (the template writes it in the ask
 * form; a counter form gets a copy), the body it adds to a request or counter, its light
 * checks, and "What you told us". The file upload and the why-not question are kit.js's,
 * shared with the quote panel. Only the buyer's own company and the shop's staff ever see
 * what is told (docs/competing-offers.md).
 */
(function () {
  "use strict";

  if (window.counterofferWidgetTold) { return; }  // each macro call adds this script

  var kit = window.counterofferKit;
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit) {
    window.console.error("Counteroffer: load kit.js before widget_told.js (the price_request_widget macro does).");
    return;
  }

  /** The optional part of a request or counter, as the API takes it; {} when left empty. */
  function body(form) {
    var price = kit.cleanPrice(kit.typed(form, "competing_offer.unit_price"));
    return kit.toldBody(form, price ? { unit_price: price } : null);
  }

  /** Light checks of ``told`` (and of the file chosen on ``form``): {path: [message]}. */
  function check(form, told) {
    var cited = told.competing_offer, fields = {};
    if (cited) {
      if (!cited.competitor) { fields["competing_offer.competitor"] = ["Name the competitor, or leave their price empty."]; }
      var price = cited.unit_price || "";  // none typed: only the competitor was named
      if (!/^\d+(\.\d+)?$/.test(price) || /^[0.]+$/.test(price)) {
        fields["competing_offer.unit_price"] = ["Enter their unit price, like 112.00."];
      }
    }
    kit.checkFile(form, told, fields);
    return fields;
  }

  /** The template's section, copied into a counter form with ids of its own, empty and closed. */
  function section(widget, suffix) {
    var copy = kit.part(widget.ask, "told").cloneNode(true);
    copy.open = false;
    copy.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; input.removeAttribute("aria-invalid"); });
    copy.querySelectorAll("[data-co-error]").forEach(function (slot) { slot.textContent = ""; });
    ["id", "for", "aria-describedby"].forEach(function (name) {
      copy.querySelectorAll("[" + name + "]").forEach(function (node) {
        node.setAttribute(name, node.getAttribute(name).split(widget.uid + "-").join(widget.uid + "-" + suffix + "-"));
      });
    });
    return copy;
  }

  /** "What you told us": a line request's competitor quotes a unit price. */
  function history(negotiation) {
    return kit.toldHistory(negotiation.told, {}, function (cited) { return kit.formatMoney(cited.unit_price, cited.currency) + " each"; });
  }

  window.counterofferWidgetTold = { body: body, check: check, section: section, history: history };
})();
