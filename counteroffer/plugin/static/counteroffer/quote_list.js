/* quote_list.js: the buyer's list of their company's quotes and their rounds; load after kit.js and quote_view.js.
 * Plain JavaScript, no build step, on kit.js and how a quote reads (quote_view.js, shared
 * with the quote panel); its macro loads the three in that order. Every string from the
 * server goes in as text. */
(function () {
  "use strict";

  if (window.counterofferQuoteListLoaded) { return; }  // each macro call adds this script
  window.counterofferQuoteListLoaded = true;

  var kit = window.counterofferKit, quotes = window.counterofferQuotes;  // quote_view.js
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit || !quotes) {
    window.console.error("Counteroffer: load kit.js and quote_view.js before quote_list.js (the company_quotes macro does).");
    return;
  }
  var el = kit.el, money = kit.formatMoney;
  var STATUS_WORDS = { open: "Offer ready", countered: "Offers waiting", escalated: "With a sales rep", accepted: "Agreed",
                       declined: "Declined", withdrawn: "Withdrawn", expired: "Expired" };

  function roundsOf(quote) {
    var rounds = {};
    quote.offers.forEach(function (offer) { (rounds[offer.round] = rounds[offer.round] || []).push(offer); });
    return Object.keys(rounds).sort(function (a, b) { return a - b; }).map(function (round) {
      return el("li", {}, [el("strong", {}, ["Round " + round + ": "]), rounds[round].map(function (offer) {
        return money(offer.total, quote.currency) + " (" + (offer.status === "open" && kit.isPast(offer.expires_at) ? "expired" : offer.status) + ")";
      }).join(", ")]);
    });
  }

  function quoteCard(list, quote) {
    var lines = quote.lines.map(function (line) { return line.sku + " \u00d7 " + kit.formatQuantity(line.quantity); }).join(", ");
    var rounds = roundsOf(quote);
    var deal = quote.deal;
    var card = el("li", { "class": "co-offer co-quote-card" }, [
      el("h3", {}, [deal && deal.redeemed_at ? "Used in an order" : (STATUS_WORDS[quote.status] || quote.status),
                    el("span", { "class": "co-round" }, [" \u00b7 round " + quote.round + " of " + quote.max_rounds])]),
      quote.created_at ? el("p", { "class": "co-round" }, ["Asked on ", kit.localTime(quote.created_at)]) : null,
      el("p", {}, ["Asked for: " + lines]), el("p", {}, [quotes.askedWords(quote)]),
      deal ? quotes.orderTotal(deal.total, quote.currency, "Agreed total") : null,
      deal ? quotes.orderTerms(deal.terms, "Agreed for the whole order:") : null,
      deal && deal.redeemed_at ? el("p", {}, ["Order " + (deal.order_ref || "") + ", placed ", kit.localTime(deal.redeemed_at), "."]) : null,
      rounds.length ? el("details", {}, [el("summary", {}, ["Offers by round (" + kit.plural(quote.offers.length, "offer") + ")"]), el("ul", {}, rounds)])
                    : el("p", { "class": "co-round" }, ["No offers yet."])]);
    var href = quote.deal && !quote.deal.redeemed_at && !kit.isPast(quote.deal.expires_at) && quotes.checkoutHref(list.checkoutUrl, quote.deal);
    if (href) { card.appendChild(el("a", { href: href, "class": "co-cart-link" }, ["Check out at these prices"])); }
    // The quote document (issue 15): the accepted quote, else the offer still open or the latest.
    if (quote.deal || quote.offers.length) { card.appendChild(quotes.documentLinks(list, quote, null)); }
    return card;
  }

  function initList(root) {
    var slot = kit.part(root, "list");
    if (!slot || root.dataset.coReady) { return; }
    root.dataset.coReady = "true";
    var list = { root: root, api: root.dataset.coApi, checkoutUrl: root.dataset.coCheckoutUrl || null };
    kit.call(list, "GET", "/quotes").then(function (data) {
      var found = quotes.quotesOf(data);
      var cart = root.dataset.coCartUrl ? el("a", { href: root.dataset.coCartUrl }, ["request one from your cart"]) : "request one from your cart";
      slot.replaceChildren(found.length ? el("ul", { "class": "co-offers" }, found.map(function (q) { return quoteCard(list, q); }))
                                         : el("p", {}, ["Your company has no quotes yet: ", cart, "."]));
    }).catch(function (error) { slot.replaceChildren(el("p", { "class": "co-error" }, [error.message])); });
  }

  function initAll() { document.querySelectorAll("[data-co-quote-list]").forEach(initList); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initAll); } else { initAll(); }
})();
