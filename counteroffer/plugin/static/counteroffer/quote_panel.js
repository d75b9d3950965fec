/* quote_panel.js: the "Request a quote for this cart" panel; load after kit.js, quote_told.js and quote_view.js.
 * The target form (an order target and a target per line), asking, the offers and deal that
 * answer, countering and accepting; what a buyer tells is quote_told.js's, how a quote reads
 * quote_view.js's (shared with the list of the company's quotes, quote_list.js). Plain
 * JavaScript, no build step. Every string from the server goes into the page through
 * textContent, never innerHTML; money stays in the decimal strings the server sends.
 */
(function () {
  "use strict";

  if (window.counterofferQuotesLoaded) { return; }  // each macro call adds this script
  window.counterofferQuotesLoaded = true;

  var kit = window.counterofferKit, told = window.counterofferQuoteTold, view = window.counterofferQuotes;
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit || !told || !view) {
    window.console.error("Counteroffer: load kit.js, quote_told.js and quote_view.js before quote_panel.js (the quote_request_panel macro does).");
    return;
  }
  var el = kit.el, button = kit.button, part = kit.part, money = kit.formatMoney, units = kit.units;
  var can = kit.can, finished = kit.finished, hidden = view.hidden, lineTable = view.lineTable, orderTotal = view.orderTotal;
  var orderTerms = view.orderTerms, documentLinks = view.documentLinks;

  var LIVE = ["open", "countered", "escalated"];
  var HEADINGS = {
    open: "Our quote: accept it to make it a deal", countered: "Here is what we can offer for this order",
    escalated: "A sales rep will answer", accepted: "Quote agreed", declined: "We cannot offer that for this order",
    withdrawn: "Quote request withdrawn", expired: "This quote request has expired" };
  var EXPLANATIONS = {
    escalated: "A sales rep will answer your quote request; you will hear from us by e-mail and here.",
    declined: "That target is too far below what we can offer. Try another target, or ask a sales rep.",
    withdrawn: "You withdrew this quote request.",
    expired: "The offers ran out of time. Ask again for a new quote." };

  function isOpen(offer) { return offer.status === "open" && !kit.isPast(offer.expires_at); }

  // ---- the target form: order target and a target per line ------------------------
  function field(id, name, label, attrs) {
    return el("div", { "class": "co-field" }, [
      el("label", { "for": id }, label),
      el("input", Object.assign({ id: id, name: name, "aria-describedby": id + "-error" }, attrs)),
      el("p", { "class": "co-field-error", id: id + "-error", "data-co-error": name })]);
  }

  function priceAttrs(value) { return { type: "text", inputmode: "decimal", autocomplete: "off", value: value || "" }; }

  /** The order target (a percentage off or a total) and, per line, its quantity (counters
   *  only) and an optional target unit price. Inputs are named by their API path, so the
   *  API's field errors land beside them. */
  function targetFields(panel, lines, prefix, withQuantity, target) {
    var orderTarget = el("fieldset", { "class": "co-order-target" }, [
      el("legend", {}, ["Order target"]),
      el("p", { "class": "co-hint" }, ["A percentage off the order, or the total you want to pay; or leave both empty and set targets per line."]),
      el("div", { "class": "co-pair" }, [
        field(prefix + "-pct", "order_target.discount_pct", ["Percent off the order (%)"], priceAttrs(target && target.discount_pct)),
        field(prefix + "-total", "order_target.total", ["Order total (" + panel.currency + ")"], priceAttrs(target && target.total))])]);
    var perLine = el("fieldset", { "class": "co-line-targets" }, [el("legend", {}, ["Target unit prices (optional)"])]);
    lines.forEach(function (line, index) {
      var id = prefix + "-line-" + index, path = "lines." + index + ".";
      var row = el("div", { "class": "co-line-target" }, [
        el("p", { "class": "co-line-name" }, [el("strong", {}, [line.sku]), " " + line.name]),
        el("p", { "class": "co-line-cart" }, [units(line.quantity) + " at " + money(line.price_for_quantity, panel.currency) + " each"])]);
      var inputs = el("div", { "class": "co-pair" });
      if (withQuantity) {
        inputs.appendChild(field(id + "-quantity", path + "quantity", ["Quantity", hidden(" of " + line.sku)],
                                 { type: "number", inputmode: "numeric", min: "0", step: String(line.order_multiple || 1), value: String(line.quantity) }));
      }
      inputs.appendChild(field(id + "-target", path + "target_unit_price", ["Target unit price", hidden(" for " + line.sku), " (" + panel.currency + ")"],
                               priceAttrs(line.target_unit_price)));
      row.appendChild(inputs);
      perLine.appendChild(row);
    });
    return [orderTarget, perLine];
  }

  /** Light checks only; the server has the last word and its messages are shown as they come.
   *  ``sent`` gets, for each line sent, its place on the form (a line taken out shifts the rest). */
  function readBody(panel, form, lines, withQuantity, sent) {
    var fields = {}, body = { lines: [] };
    var pct = kit.cleanPrice(form.elements["order_target.discount_pct"].value);
    var total = kit.cleanPrice(form.elements["order_target.total"].value);
    if (pct && total) { fields["order_target.total"] = ["Give a percentage off or an order total, not both."]; }
    if (pct) { body.order_target = { discount_pct: pct }; } else if (total) { body.order_target = { total: total }; }
    lines.forEach(function (line, index) {
      var path = "lines." + index + ".", quantity = line.quantity;
      if (withQuantity) {
        var text = form.elements[path + "quantity"].value.trim();
        if (!/^\d+$/.test(text)) { fields[path + "quantity"] = ["Enter a whole number of units (0 takes the line out)."]; return; }
        quantity = Number(text);
        if (quantity === 0) { return; }
      }
      var item = { sku: line.sku, quantity: quantity };
      var target = kit.cleanPrice(form.elements[path + "target_unit_price"].value);
      if (target) { item.target_unit_price = target; }
      body.lines.push(item);
      sent.push(index);
    });
    if (!body.order_target && !body.lines.some(function (l) { return l.target_unit_price; })) {
      fields["order_target.discount_pct"] = ["Enter a percentage off or an order total, or a target price for at least one line."];
    }
    return Object.keys(fields).length ? new kit.ApiError("Please check the highlighted fields.", fields) : body;
  }

  /** Words for an error about a field the form has no input for ("lines.3.sku"). */
  function describer(lines) {
    return function (path, message) {
      var match = /^lines\.(\d+)\.?(.*)$/.exec(path);
      var line = match && lines[Number(match[1])];
      if (/^order_target/.test(path)) { return "Order target: " + message; }
      if (/^competing_offer/.test(path)) { return "Competing offer: " + message; }
      if (!line) { return path.replace(/\./g, " ") + ": " + message; }
      return "Line " + (Number(match[1]) + 1) + " (" + line.sku + ")" + (match[2] ? ", " + match[2].replace(/_/g, " ") : "") + ": " + message;
    };
  }

  /** The API's summary names a field by its path ("lines[2].target_unit_price: ..."): each
   *  field's message is shown beside it, or in words with its line, so the summary need not. */
  function forBuyers(error, sent, citedSent) {
    var fields = kit.flattenFields(error.fields), placed = {};
    if (!Object.keys(fields).length) { return error; }
    Object.keys(fields).forEach(function (path) {  // line i of the request is line sent[i] of the form
      var line = path.replace(/^lines\.(\d+)/, function (all, i) { return sent[Number(i)] === undefined ? all : "lines." + sent[Number(i)]; });
      placed[told.place(line, citedSent)] = fields[path];
    });
    return new kit.ApiError("Please check the highlighted fields.", placed);
  }

  function targetForm(panel, form, lines, options) {
    var prefix = options.prefix;
    form.replaceChildren.apply(form, [options.heading].concat(targetFields(panel, lines, prefix, options.withQuantity, options.target), [
      told.section(panel, lines, prefix),
      el("p", { "class": "co-form-error", "data-co-error": "_form", "aria-live": "polite" }),
      el("button", { type: "submit", "class": options.primary ? "co-primary" : "co-secondary" }, [options.submit])]).filter(Boolean));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      kit.clearErrors(form);
      var sent = [], body = readBody(panel, form, lines, options.withQuantity, sent), cited = told.read(form, lines);
      if (Object.keys(cited.fields).length) {
        body = body instanceof kit.ApiError ? body : new kit.ApiError("Please check the highlighted fields.", {});
        Object.assign(body.fields, cited.fields);
      }
      if (body instanceof kit.ApiError) { kit.showErrors(form, body); return; }
      Object.assign(body, cited.body);
      if (options.currency) { body.currency = panel.currency; }
      var file = kit.chosenFile(form);
      kit.busy(panel, function () {
        return (file ? kit.uploadDocument(panel, form, file) : Promise.resolve(null)).then(function (documentId) {
          if (documentId) { body.competing_offer.document_id = documentId; }
          return kit.call(panel, "POST", options.path, body);
        });
      }).then(function (quote) { form.coUploaded = null; renderQuote(panel, quote, true); })
        .catch(function (error) { kit.showErrors(form, forBuyers(kit.byFileInput(form, error), sent, cited.sent), describer(lines)); });
    });
    return form;
  }

  // ---- the answer: offers line by line, the deal, what the buyer can do next --------
  function offerItem(panel, quote, offer) {
    var messageId = "co-quote-offer-" + offer.id;
    var expiry = isOpen(offer) ? el("span", {}, [kit.localTime(offer.expires_at), " (" + kit.expiresIn(offer.expires_at) + ")"])
                               : (offer.status === "open" ? "expired" : offer.status);
    var item = el("li", { "class": "co-offer co-quote-offer" }, [
      el("p", { "class": "co-offer-message", id: messageId }, [offer.message]),
      lineTable(panel, quote, offer.lines, "The lines of this offer", offer.round === quote.round),
      offer.round === quote.round ? view.removedLines(quote, offer) : null,
      orderTotal(offer.total, quote.currency, "Order total"),
      el("p", { "class": "co-saving" }, [view.savingWords(offer, quote.currency)]),
      orderTerms(offer.terms, "For the whole order:"),
      kit.definitions([[isOpen(offer) ? "Expires" : "Status", expiry]]), documentLinks(panel, quote, offer)]);
    if (isOpen(offer) && can("accept", quote.status)) {
      item.appendChild(button("Accept this quote", "co-primary", function () { accept(panel, quote, offer); },
                              { "aria-describedby": messageId }));
    }
    return item;
  }

  function dealSection(panel, quote, deal) {
    var section = el("div", { "class": "co-deal" }, [
      lineTable(panel, quote, deal.lines, "The lines agreed", false), orderTotal(deal.total, quote.currency, "Order total"),
      orderTerms(deal.terms, "Agreed for the whole order:"),
      kit.definitions([["Deal code", el("code", {}, [deal.token])], ["Valid until", kit.localTime(deal.expires_at)]]),
      documentLinks(panel, quote, null)]);
    if (deal.redeemed_at) {
      section.appendChild(el("p", {}, ["Used in an order on ", kit.localTime(deal.redeemed_at), ". Ask again for a new quote."]));
    } else if (kit.isPast(deal.expires_at)) {
      section.appendChild(el("p", {}, ["This quote has run out. Ask again for a new quote."]));
    } else {
      var href = view.checkoutHref(panel.checkoutUrl, deal);
      section.appendChild(href ? el("a", { href: href, "class": "co-cart-link co-checkout-link" }, ["Check out at these prices"])
                               : el("p", {}, ["Give this code at checkout or to your sales rep."]));
    }
    return section;
  }

  /** Whether the quote is for the cart as it is now (same SKUs and quantities). */
  function matchesCart(panel, quote) {
    var key = function (lines) { return lines.map(function (l) { return l.sku + "x" + l.quantity; }).sort().join(","); };
    return key(quote.lines) === key(panel.lines);
  }

  function offerList(panel, quote, offers, title) {
    if (!offers.length) { return null; }
    var list = el("ul", { "class": "co-offers" }, offers.map(function (o) { return offerItem(panel, quote, o); }));
    // Earlier rounds' offers fold away: this round's answer comes first, the page stays short.
    return title ? el("details", { "class": "co-earlier" }, [el("summary", {}, [title + " (" + kit.plural(offers.length, "offer") + ")"]), list]) : list;
  }

  function renderQuote(panel, quote, focus) {
    var result = part(panel.root, "result"), deal = quote.deal;
    var heading = el("h3", { tabindex: "-1", "class": "co-result-title" }, [deal && deal.redeemed_at ? "Quote used in an order" : (HEADINGS[quote.status] || quote.status)]);
    var current = quote.offers.filter(function (o) { return o.round === quote.round; });
    var earlier = quote.offers.filter(function (o) { return o.round < quote.round && isOpen(o); });
    var words = EXPLANATIONS[quote.status];
    if (words && !deal && quote.offers.some(isOpen)) { words += " The offers below still hold until they expire."; }
    var explain = words ? el("p", { "class": "co-explain" }, [words]) : null;
    // A word from the shop beyond the offers (a rep's decision), said once: not again beside an offer that carries it.
    var said = quote.offers.some(function (o) { return o.message === quote.note; });
    var note = quote.note && !said ? el("p", { "class": "co-note" }, [quote.note]) : null;
    var stale = !finished(quote.status) && !matchesCart(panel, quote)
      ? el("p", { "class": "co-note" }, ["Your cart has changed since you asked: this quote is for the lines below. Withdraw it to ask for the cart as it is now."]) : null;
    result.replaceChildren.apply(result, [heading,
      finished(quote.status) ? null : el("p", { "class": "co-round" }, ["Round " + quote.round + " of " + quote.max_rounds]),
      el("p", {}, [view.askedWords(quote)]), told.history(quote), explain, note, stale, deal ? dealSection(panel, quote, deal) : null,
      deal ? null : offerList(panel, quote, current, null),
      deal ? null : offerList(panel, quote, earlier, "Still open from earlier rounds")
    ].filter(Boolean));
    renderActions(panel, quote);
    panel.ask.hidden = true;
    if (focus) { heading.focus(); }
  }

  function renderActions(panel, quote) {
    var status = quote.status, actions = part(panel.root, "actions");
    actions.replaceChildren();
    if (can("counter", status) && quote.round < quote.max_rounds) {
      actions.appendChild(counterForm(panel, quote));
    } else if (can("counter", status)) {
      actions.appendChild(el("p", {}, [status === "escalated" ? "That was the last round; a sales rep will answer."
                                                               : "That was the last round: accept an offer or ask a sales rep."]));
    }
    if (kit.asksWhyNot("quote", quote)) {  // withdrawn (or a rep's counter declined), or run out of time
      actions.appendChild(kit.whyNotForm(panel, "co-quote-why", "quote", quote, "/quotes/" + encodeURIComponent(quote.id) + "/why-not"));
    }
    var row = el("div", { "class": "co-buttons" });
    if (can("escalate", status)) { row.appendChild(actionButton(panel, quote, "escalate", "Ask a sales rep")); }
    if (can("withdraw", status)) { row.appendChild(actionButton(panel, quote, "withdraw", "Withdraw quote request")); }
    if (finished(status)) { row.appendChild(button("Start a new quote request", "co-secondary", function () { startOver(panel); })); }
    actions.appendChild(row);
  }

  function counterForm(panel, quote) {
    var names = {};
    panel.lines.forEach(function (line) { names[line.sku] = line; });
    var lines = quote.lines.map(function (line) {
      return Object.assign({ order_multiple: (names[line.sku] || {}).order_multiple }, line);
    });
    var form = el("form", { "class": "co-form co-counter", novalidate: "" });
    return targetForm(panel, form, lines, {
      prefix: "co-quote-counter", withQuantity: true, target: quote.order_target, path: "/quotes/" + encodeURIComponent(quote.id) + "/counter",
      heading: el("h4", {}, ["Counter-offer: round " + (quote.round + 1) + " of " + quote.max_rounds]), submit: "Send counter-offer" });
  }

  function actionButton(panel, quote, action, label) {
    return button(label, "co-secondary", function () {
      kit.busy(panel, function () { return kit.call(panel, "POST", "/quotes/" + encodeURIComponent(quote.id) + "/" + action); })
        .then(function (updated) { renderQuote(panel, updated, true); })
        .catch(function (error) { refreshAfterError(panel, quote, error); });
    });
  }

  function accept(panel, quote, offer) {
    kit.busy(panel, function () {
      return kit.call(panel, "POST", "/quote-offers/" + encodeURIComponent(offer.id) + "/accept").then(function (deal) {
        // The quote as it stands now (accepted, the other offers closed), with the deal just made.
        return kit.call(panel, "GET", "/quotes/" + encodeURIComponent(quote.id))
          .catch(function () { return Object.assign({}, quote, { status: "accepted" }); })
          .then(function (current) { return Object.assign({}, current, { deal: current.deal || deal }); });
      });
    }).then(function (current) { renderQuote(panel, current, true); })
      .catch(function (error) { refreshAfterError(panel, quote, error); });
  }

  /** A refused action usually means the quote moved on (expired, already accepted): show where it is now. */
  function refreshAfterError(panel, quote, error) {
    kit.call(panel, "GET", "/quotes/" + encodeURIComponent(quote.id))
      .then(function (current) { renderQuote(panel, current, true); })
      .catch(function () { /* keep what is on screen */ })
      .then(function () { part(panel.root, "result").appendChild(el("p", { "class": "co-error", role: "alert" }, [error.message])); });
  }

  function startOver(panel) {
    ["result", "actions"].forEach(function (name) { part(panel.root, name).replaceChildren(); });
    panel.ask.hidden = false;
    panel.ask.querySelector("input").focus();
  }

  /** Pick up where the buyer left off: their company's newest quote still under way, or
   *  agreed and not yet used. */
  function loadLatest(panel) {
    kit.call(panel, "GET", "/quotes").then(function (data) {
      var latest = view.quotesOf(data)[0];
      if (!latest) { return; }
      var usable = latest.status === "accepted" && latest.deal && !latest.deal.redeemed_at && !kit.isPast(latest.deal.expires_at);
      // A quote that ran out of time since the last visit: asked why, once (kit.asksWhyNot).
      var lapsed = latest.status === "expired" && kit.asksWhyNot("quote", latest);
      if (LIVE.indexOf(latest.status) >= 0 || usable || lapsed) { renderQuote(panel, latest, false); }
    }).catch(function () { /* nothing to resume: the empty form is the right start */ });
  }

  function initPanel(root) {
    var ask = part(root, "quote-ask");
    if (!ask || root.dataset.coReady) { return; }
    root.dataset.coReady = "true";
    var panel = { root: root, ask: ask, api: root.dataset.coApi, lines: JSON.parse(root.dataset.coLines),
                  currency: root.dataset.coCurrency, checkoutUrl: root.dataset.coCheckoutUrl || null };
    targetForm(panel, ask, panel.lines, { prefix: "co-quote-ask", withQuantity: false, currency: true, path: "/quotes",
                                          submit: "Request a quote", primary: true });
    loadLatest(panel);
  }

  function initAll() { document.querySelectorAll("[data-co-quote-panel]").forEach(initPanel); }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initAll); } else { initAll(); }
})();
