/* quote_told.js: what a buyer may tell with a quote; load after kit.js, before quote_panel.js.
 * Issue 16: the quote panel's collapsed "Have a competing offer?" section (the competitor,
 * their order total or their unit price per line, how long it holds, a note, and the day the
 * goods are needed by), the body it adds to a quote request or counter, and "What you told
 * us". Only the buyer's own company and the shop's staff ever see what is told
 * (docs/competing-offers.md).
 */
(function () {
  "use strict";

  if (window.counterofferQuoteTold) { return; }  // each macro call adds this script

  var kit = window.counterofferKit;
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit) {
    window.console.error("Counteroffer: load kit.js before quote_told.js (the quote_request_panel macro does).");
    return;
  }
  var el = kit.el, money = kit.formatMoney, typed = kit.typed;

  /** The section, closed, for a form whose lines are ``lines``; inputs are named by their
   *  API path ("competing_offer.lines.2.unit_price": line 2 of the form), so errors land beside them. */
  function section(panel, lines, prefix) {
    var id = prefix + "-told", money = { type: "text", inputmode: "decimal", autocomplete: "off" };
    var perLine = lines.map(function (line, index) {
      return kit.textField(id + "-line-" + index, "Their unit price for " + line.sku + " (" + panel.currency + ")",
                           Object.assign({ name: "competing_offer.lines." + index + ".unit_price" }, money));
    });
    var note = el("div", { "class": "co-field" }, [
      el("label", { "for": id + "-note" }, ["Note (optional, up to 500 characters)"]),
      el("textarea", { id: id + "-note", name: "competing_offer.note", rows: "2", maxlength: "500", "aria-describedby": id + "-note-error" }),
      el("p", { "class": "co-field-error", id: id + "-note-error", "data-co-error": "competing_offer.note" })]);
    return el("details", { "class": "co-told", "data-co-part": "told" }, [
      el("summary", {}, ["Have a competing offer?"]),
      el("p", { "class": "co-hint", id: id + "-hint" }, ["Tell us what another supplier offered you for this order. Only our staff see it."]),
      kit.textField(id + "-competitor", "Competitor", { name: "competing_offer.competitor", type: "text", maxlength: "100", autocomplete: "organization" }),
      el("fieldset", { "class": "co-cited" }, [el("legend", {}, ["Their offer"]),
        el("p", { "class": "co-hint" }, ["Their total for the whole order, or their unit price for the lines they quoted."]),
        kit.textField(id + "-total", "Their total for the whole order (" + panel.currency + ")", Object.assign({ name: "competing_offer.total" }, money))
      ].concat(perLine)),
      kit.textField(id + "-valid", "Their offer is valid until (optional)", { name: "competing_offer.valid_until", type: "date" }),
      note,
      // Uploaded first, then cited by its id, as the product widget does (kit.uploadDocument).
      kit.textField(id + "-document", "Their quote as a file (optional: a PDF, PNG or JPEG of up to 5 MB)",
                    { name: kit.DOCUMENT_FIELD, type: "file", accept: "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg" }),
      kit.textField(id + "-needed", "Needed by (optional)", { name: "needed_by", type: "date" })]);
  }

  /** {body, fields, sent}: what the section adds to the request ({} when left empty), the
   *  light checks' field errors, and for each cited line sent, its line on the form. */
  function read(form, lines) {
    var fields = {}, sent = [], total = kit.cleanPrice(typed(form, "competing_offer.total")), cited = [];
    lines.forEach(function (line, index) {
      var price = kit.cleanPrice(typed(form, "competing_offer.lines." + index + ".unit_price"));
      if (price) { cited.push({ sku: line.sku, unit_price: price }); sent.push(index); }
    });
    var offered = total || cited.length ? {} : null;
    if (total) { offered.total = total; }
    if (cited.length) { offered.lines = cited; }
    var body = kit.toldBody(form, offered);
    if (body.competing_offer) {
      if (!body.competing_offer.competitor) { fields["competing_offer.competitor"] = ["Name the competitor, or leave their prices empty."]; }
      if (total && cited.length) { fields["competing_offer.total"] = ["Give their order total or their line prices, not both."]; }
      if (!total && !cited.length) { fields["competing_offer.total"] = ["Enter their order total, or their unit price for a line."]; }
    }
    kit.checkFile(form, body, fields);
    return { body: body, fields: fields, sent: sent };
  }

  /** An API path about a cited line ("competing_offer.lines.0.sku") as the form's line. */
  function place(path, sent) {
    return path.replace(/^competing_offer\.lines\.(\d+)/, function (all, i) {
      return sent[Number(i)] === undefined ? all : "competing_offer.lines." + sent[Number(i)];
    });
  }

  /** "What you told us": a quote's competitor quotes an order total, or unit prices per line. */
  function history(quote) {
    return kit.toldHistory(quote.told, { "class": "co-told-history" }, function (cited) {
      return cited.total ? money(cited.total, cited.currency) + " for the order"
        : cited.lines.map(function (line) { return line.sku + " at " + money(line.unit_price, cited.currency) + " each"; }).join(", ");
    });
  }

  window.counterofferQuoteTold = { section: section, read: read, place: place, history: history };
})();
