/* quote_view.js: how a quote and its offers read, for the panel and the list; load after kit.js.
 * The lines table, totals, what an offer saves against the catalog, the order terms, the
 * document and checkout links, and what the buyer asked: quote_panel.js and quote_list.js
 * (loaded after this by their macros) show quotes with them. Every string from the server
 * goes into the page through textContent. Money stays in the decimal strings the server
 * sends; the only sums made here (what an offer saves against the catalog) are exact, on
 * whole cents as BigInt.
 */
(function () {
  "use strict";

  if (window.counterofferQuotes) { return; }  // each macro call adds this script

  var kit = window.counterofferKit;
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit) {
    window.console.error("Counteroffer: load kit.js before quote_view.js (the quote_request_panel and company_quotes macros do).");
    return;
  }
  var el = kit.el, money = kit.formatMoney;

  // ---- exact money: decimal strings as BigInt cents ---------------------------------
  var PLACES = 4;  // enough for every currency the server knows
  function toUnits(amount) {
    var parts = String(amount).split(".");
    return BigInt(parts[0] + (parts[1] || "").padEnd(PLACES, "0").slice(0, PLACES));
  }
  function fromUnits(value, places) {
    var negative = value < 0n, digits = (negative ? -value : value).toString().padStart(PLACES + 1, "0");
    var whole = digits.slice(0, digits.length - PLACES), fraction = digits.slice(digits.length - PLACES, digits.length - PLACES + places);
    return (negative ? "-" : "") + whole + (places ? "." + fraction : "");
  }
  /** The catalog price of an offer's lines at their quantities: what the cart would charge. */
  function catalogTotal(lines) {
    return lines.reduce(function (sum, line) { return sum + toUnits(line.price_for_quantity) * BigInt(line.quantity); }, 0n);
  }
  /** "$7,200.00 (6.0%) below the catalog price of these quantities, $120,000.00." */
  function savingWords(offer, currency) {
    var catalog = catalogTotal(offer.lines), total = toUnits(offer.total), places = kit.decimalPlaces(offer.total);
    if (catalog <= 0n || total >= catalog) { return "The catalog price of these quantities is " + money(fromUnits(catalog, places), currency) + "."; }
    var saved = catalog - total, tenths = (saved * 1000n + catalog / 2n) / catalog;
    var share = tenths > 0n ? " (" + (tenths / 10n) + "." + (tenths % 10n) + "%)" : "";  // no "(0.0%)"
    return money(fromUnits(saved, places), currency) + share + " below the catalog price of these quantities, "
      + money(fromUnits(catalog, places), currency) + ".";
  }

  function hidden(text) { return el("span", { "class": "co-visually-hidden" }, [text]); }

  /** showChange: set for an offer of this round, compared with what the buyer asks now
   *  (an earlier round's offer answered other lines or quantities). */
  function lineTable(panel, quote, lines, caption, showChange) {
    var asked = {}, names = {};
    panel.lines.concat(quote.lines).forEach(function (line) { names[line.sku] = line.name; });
    quote.lines.forEach(function (line) { asked[line.sku] = line; });
    var rows = lines.map(function (line) {
      var before = asked[line.sku], name = names[line.sku] || "";
      var quantity = [kit.formatQuantity(line.quantity)];
      if (showChange && before && before.quantity !== line.quantity) { quantity.push(el("small", {}, ["cart: " + kit.formatQuantity(before.quantity)])); }
      if (showChange && !before) { quantity.push(el("small", {}, ["added"])); }
      var price = [money(line.unit_price, quote.currency)];
      if (line.price_for_quantity && kit.compareDecimal(line.price_for_quantity, line.unit_price) !== 0) {
        price.push(el("small", {}, [hidden("catalog price "), el("s", {}, [money(line.price_for_quantity, quote.currency)])]));
      }
      return el("tr", {}, [el("th", { scope: "row" }, [el("span", { "class": "co-sku" }, [line.sku]), name ? el("small", {}, [name]) : null]),
        // data-label: a phone shows each row as a card, the column's name above its value.
        el("td", { "class": "co-num", "data-label": "Quantity" }, quantity),
        el("td", { "class": "co-num", "data-label": "Unit price" }, price),
        el("td", { "class": "co-num", "data-label": "Line total" }, [money(line.line_total, quote.currency)])]);
    });
    return el("div", { "class": "co-table-wrap" }, [el("table", { "class": "co-quote-lines" }, [
      el("caption", { "class": "co-visually-hidden" }, [caption]),
      el("thead", {}, [el("tr", {}, ["Product", "Quantity", "Unit price", "Line total"].map(function (head, i) {
        return el("th", { scope: "col", "class": i ? "co-num" : "" }, [head]); }))]),
      el("tbody", {}, rows)])]);
  }

  function orderTotal(amount, currency, label) {
    return el("p", { "class": "co-order-total" }, [label + ": ", el("strong", {}, [money(amount, currency)])]);
  }

  function removedLines(quote, offer) {
    var kept = offer.lines.map(function (line) { return line.sku; });
    var gone = quote.lines.filter(function (line) { return kept.indexOf(line.sku) < 0; }).map(function (line) { return line.sku; });
    return gone.length ? el("p", {}, ["Not in this offer: " + gone.join(", ") + "."]) : null;
  }

  /** Links to the quote document of one offer (or the accepted one), as a page to print and as PDF. */
  function documentLinks(panel, quote, offer) {
    var base = panel.api + "/quotes/" + encodeURIComponent(quote.id) + "/document.";
    var query = offer ? "?offer=" + encodeURIComponent(offer.id) : "";
    return el("p", { "class": "co-document-links" }, [
      el("a", { href: base + "pdf" + query, "class": "co-document-pdf", download: "quote-" + quote.id + ".pdf" }, ["Download this quote (PDF)"]),
      " · ", el("a", { href: base + "html" + query, target: "_blank", rel: "noopener" }, ["Printable page"])]);
  }

  /** The order terms an offer asks for, or a deal binds the buyer to (null without any). */
  function orderTerms(terms, heading) {
    var items = (terms || []).map(function (term) { return el("li", {}, [term.label]); });
    return items.length ? el("div", { "class": "co-order-terms" }, [el("p", {}, [heading]), el("ul", {}, items)]) : null;
  }

  /** The host's checkout URL for a deal: "{token}" filled in (as written, or as
   *  url_for(..., token="{token}") escapes it), and the quote's lines as line=SKU:quantity
   *  parameters, so the host can put them in its cart; quote_prices checks them against the deal. */
  function checkoutHref(template, deal) {
    if (!template) { return null; }
    var url = new URL(template.split(/\{token\}|%7Btoken%7D/i).join(encodeURIComponent(deal.token)), window.location.href);
    deal.lines.forEach(function (line) { url.searchParams.append("line", line.sku + ":" + line.quantity); });
    return url.origin === window.location.origin ? url.pathname + url.search : url.href;
  }

  function askedWords(quote) {
    var target = quote.order_target || {};
    if (target.discount_pct) { return "You asked for " + target.discount_pct + "% off the order (catalog price " + money(quote.cart_total, quote.currency) + ")."; }
    if (target.total) { return "You asked for an order total of " + money(target.total, quote.currency) + " (catalog price " + money(quote.cart_total, quote.currency) + ")."; }
    return "You asked for your target prices on " + kit.plural(quote.lines.length, "line") + " (catalog price " + money(quote.cart_total, quote.currency) + ").";
  }

  function quotesOf(data) { return Array.isArray(data) ? data : (data && data.quotes) || []; }

  window.counterofferQuotes = { savingWords: savingWords, hidden: hidden, lineTable: lineTable, orderTotal: orderTotal,
                                removedLines: removedLines, documentLinks: documentLinks, orderTerms: orderTerms,
                                checkoutHref: checkoutHref, askedWords: askedWords, quotesOf: quotesOf };
})();
