/* widget_terms.js: the catalog terms the widget shows before asking; load after kit.js, before widget.js.
 * The price at the quantity typed and the next volume break (as the server's rules pick them),
 * the offer rules, the currency, and the light checks of a quantity and target price. Prices
 * are only picked from the terms, never computed: they stay the server's decimal strings.
 */
(function () {
  "use strict";

  if (window.counterofferWidgetTerms) { return; }  // each macro call adds this script

  var kit = window.counterofferKit;
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit) {
    window.console.error("Counteroffer: load kit.js before widget_terms.js (the price_request_widget macro does).");
    return;
  }
  var formatMoney = kit.formatMoney, units = kit.units, plural = kit.plural, decimalPlaces = kit.decimalPlaces;
  var compareDecimal = kit.compareDecimal, part = kit.part;

  /** The catalog price at a quantity, as the server's price_for_quantity picks it. */
  function priceAt(terms, quantity) {
    var reached = terms.breaks.filter(function (step) { return step.min_quantity <= quantity; });
    if (!reached.length) { return terms.list_price; }
    var price = reached[reached.length - 1].unit_price;
    return compareDecimal(price, terms.list_price) < 0 ? price : terms.list_price;
  }

  /** The first step above the quantity that lowers its price: a break at or above the
   *  price now (the list price dropped in a sale) is never shown (rules effective_breaks). */
  function nextBreak(terms, quantity) {
    var now = priceAt(terms, quantity);
    return terms.breaks.filter(function (step) {
      return step.min_quantity > quantity && compareDecimal(step.unit_price, now) < 0;
    })[0] || null;
  }

  /** Light checks only; the server has the last word and its messages are shown as they come. */
  function checkInputs(widget, quantityText, priceText) {
    var fields = {};
    if (!/^\d+$/.test(quantityText) || Number(quantityText) < 1) {
      fields.quantity = ["Enter a whole number of units, at least 1."];
    } else if (Number(quantityText) > widget.maxQuantity) {
      fields.quantity = ["Enter at most " + units(widget.maxQuantity) + "."];
    }
    var places = decimalPlaces(widget.terms.list_price);
    if (!/^\d+(\.\d+)?$/.test(priceText) || /^[0.]+$/.test(priceText)) {
      fields.target_unit_price = ["Enter a price above zero, like " + widget.terms.list_price + "."];
    } else if (decimalPlaces(priceText) > places) {
      fields.target_unit_price = [widget.terms.currency + (places ? " prices have at most " + plural(places, "decimal place") + "." : " prices are whole numbers.")];
    }
    return Object.keys(fields).length ? new kit.ApiError("Please check the highlighted fields.", fields) : null;
  }

  function renderQuote(widget) {
    var terms = widget.terms;
    var quantityText = widget.ask.elements.quantity.value.trim();
    var quantity = /^\d+$/.test(quantityText) && Number(quantityText) >= 1 ? Number(quantityText) : 1;
    if (quantity > widget.maxQuantity) {  // never price a quantity the shop would refuse
      part(widget.root, "quote").textContent = "Ask for at most " + units(widget.maxQuantity) + ".";
      part(widget.root, "next").textContent = "";
      return;
    }
    part(widget.root, "quote").textContent = "At " + units(quantity) + ": " + formatMoney(priceAt(terms, quantity), terms.currency) + " each";
    var next = nextBreak(terms, quantity);
    part(widget.root, "next").textContent = next
      ? "Next volume break: from " + kit.formatQuantity(next.min_quantity) + " units: "
        + formatMoney(next.unit_price, terms.currency) + " each"
      : (terms.breaks.length ? "This is our best volume price." : "");
  }

  function renderRules(widget) {
    part(widget.root, "rules").textContent = "Offers hold for " + plural(widget.terms.offer_validity_hours, "hour") + ". Up to "
      + plural(widget.terms.max_rounds, "round") + " per request; after that, accept an offer or ask a sales rep.";
  }

  function showCurrency(widget) {
    widget.root.querySelectorAll('[data-co-part="currency"]').forEach(function (span) {
      span.textContent = " (" + widget.terms.currency + ")";
    });
  }

  window.counterofferWidgetTerms = { checkInputs: checkInputs, renderQuote: renderQuote, renderRules: renderRules,
                                     showCurrency: showCurrency };
})();
