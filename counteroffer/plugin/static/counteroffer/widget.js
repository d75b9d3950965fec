/* Counteroffer "Request a better price" widget: plain JavaScript, no build step.
 *
 * Every string from the server goes into the page through textContent, never innerHTML.
 * Prices stay the decimal strings the server sends: nothing shown as a price is ever
 * computed with floats here, only picked from the terms or the API's answers.
 */
(function () {
  "use strict";

  // The macro may be called several times on one page; each call adds this script.
  if (window.counterofferWidgetLoaded) { return; }
  window.counterofferWidgetLoaded = true;

  var SYMBOLS = { USD: "$", EUR: "\u20ac", GBP: "\u00a3", JPY: "\u00a5" };  // as the server's messages
  var SHOWN_ON_LOAD = ["open", "countered", "escalated", "accepted"];
  var CAN_ACCEPT = ["open", "countered", "escalated"];
  var CAN_COUNTER = ["open", "countered", "escalated", "declined"];
  var CAN_ESCALATE = ["open", "countered", "declined"];
  var CAN_WITHDRAW = ["open", "countered", "escalated", "declined"];
  // An accepted request is worth showing again only while its deal is likely still good.
  var RECENT_ACCEPTED_MS = 7 * 24 * 3600 * 1000;
  var HOUR_MS = 3600 * 1000;

  var HEADINGS = {
    open: "We can do that price", countered: "Here is what we can offer",
    escalated: "A sales rep will answer", accepted: "Deal agreed",
    declined: "We cannot offer that price", withdrawn: "Request withdrawn",
    expired: "This request has expired"
  };
  var EXPLANATIONS = {
    escalated: "A sales rep will answer your request. Offers shown below still hold until they expire.",
    declined: "That target is too far below what we can offer. Try another price or quantity, or ask a sales rep.",
    withdrawn: "You withdrew this request.",
    expired: "The offers ran out of time. Ask again for a new offer."
  };

  // ---- money and numbers, on strings ------------------------------------------------

  function groupDigits(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function formatMoney(amount, currency) {
    var parts = String(amount).split(".");
    var text = groupDigits(parts[0]) + (parts.length > 1 ? "." + parts[1] : "");
    return SYMBOLS[currency] ? SYMBOLS[currency] + text : currency + " " + text;
  }

  function formatQuantity(quantity) {
    return groupDigits(String(quantity));
  }

  function units(quantity) {
    return formatQuantity(quantity) + (quantity === 1 ? " unit" : " units");
  }

  function decimalPlaces(amount) {
    var parts = String(amount).split(".");
    return parts.length > 1 ? parts[1].length : 0;
  }

  /** Compare two non-negative decimal strings exactly: -1, 0 or 1. */
  function compareDecimal(a, b) {
    var pa = a.split("."), pb = b.split(".");
    var width = Math.max(pa[0].length, pb[0].length);
    var places = Math.max(decimalPlaces(a), decimalPlaces(b));
    var ka = pa[0].padStart(width, "0") + (pa[1] || "").padEnd(places, "0");
    var kb = pb[0].padStart(width, "0") + (pb[1] || "").padEnd(places, "0");
    return ka < kb ? -1 : (ka > kb ? 1 : 0);
  }

  /** The catalog price at a quantity, as the server's price_for_quantity picks it. */
  function priceAt(terms, quantity) {
    var reached = terms.breaks.filter(function (step) { return step.min_quantity <= quantity; });
    if (!reached.length) { return terms.list_price; }
    var price = reached[reached.length - 1].unit_price;
    return compareDecimal(price, terms.list_price) < 0 ? price : terms.list_price;
  }

  function nextBreak(terms, quantity) {
    return terms.breaks.filter(function (step) { return step.min_quantity > quantity; })[0] || null;
  }

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  // ---- DOM helpers ------------------------------------------------------------------

  /** Build an element; children are nodes or strings (strings become text, never HTML). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) {
      if (child !== null && child !== undefined) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function part(root, name) {
    return root.querySelector('[data-co-part="' + name + '"]');
  }

  function definitions(pairs) {
    var list = el("dl", { "class": "co-facts" });
    pairs.forEach(function (pair) {
      list.appendChild(el("dt", {}, [pair[0]]));
      list.appendChild(el("dd", {}, [pair[1]]));
    });
    return list;
  }

  function localTime(iso) {
    var date = new Date(iso);
    var text = date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    return el("time", { datetime: iso }, [text]);
  }

  function expiresIn(iso) {
    var left = new Date(iso).getTime() - Date.now();
    if (left <= 0) { return "expired"; }
    if (left < 1.5 * HOUR_MS) { return "expires in " + plural(Math.max(1, Math.round(left / 60000)), "minute"); }
    return "expires in " + plural(Math.round(left / HOUR_MS), "hour");
  }

  // ---- talking to the API -----------------------------------------------------------

  function ApiError(message, fields) {
    this.message = message;
    this.fields = fields || {};
  }

  function call(widget, method, path, body) {
    var init = { method: method, credentials: "same-origin",
                 headers: { "Accept": "application/json", "Content-Type": "application/json" } };
    if (body !== undefined) { init.body = JSON.stringify(body); }
    return fetch(widget.api + path, init).catch(function () {
      throw new ApiError("Could not reach the shop. Check your connection and try again.");
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.ok) { return data; }
        var error = (data && data.error) || {};
        throw new ApiError(error.message || "Something went wrong (HTTP " + response.status + ").",
                           error.fields);
      });
    });
  }

  /** Run one API call at a time, so a double click sends one request. Buttons get
   *  aria-disabled, not disabled: a disabled button drops keyboard focus to the page. */
  function busy(widget, start) {
    if (widget.pending) { return new Promise(function () {}); }
    widget.pending = true;
    widget.root.setAttribute("aria-busy", "true");
    widget.root.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-disabled", "true"); });
    return start().finally(function () {
      widget.pending = false;
      widget.root.removeAttribute("aria-busy");
      widget.root.querySelectorAll("button").forEach(function (b) { b.removeAttribute("aria-disabled"); });
    });
  }

  // ---- deals are kept per tab: the API has no "deal of this negotiation" lookup -----

  function rememberDeal(negotiationId, deal) {
    try { sessionStorage.setItem("counteroffer:deal:" + negotiationId, JSON.stringify(deal)); } catch (e) { /* storage off */ }
  }

  function recalledDeal(negotiationId) {
    try { return JSON.parse(sessionStorage.getItem("counteroffer:deal:" + negotiationId)); } catch (e) { return null; }
  }

  // ---- forms and errors -------------------------------------------------------------

  function clearErrors(form) {
    form.querySelectorAll("[data-co-error]").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  /** Field messages go next to their inputs; the rest, with the summary, above the button. */
  function showErrors(form, error) {
    var general = [error.message || "Something went wrong; please try again."];
    var fields = error.fields || {};
    var first = null;
    Object.keys(fields).forEach(function (field) {
      var messages = [].concat(fields[field]).join(" ");
      var slot = form.querySelector('[data-co-error="' + field + '"]');
      var input = form.querySelector('[name="' + field + '"]');
      if (slot && input) {
        slot.textContent = messages;
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      } else {
        general.push(messages);
      }
    });
    form.querySelector('[data-co-error="_form"]').textContent = general.join(" ");
    if (first) { first.focus(); }
  }

  /** Light checks only; the server has the last word and its messages are shown as they come. */
  function checkInputs(widget, quantityText, priceText) {
    var fields = {};
    if (!/^\d+$/.test(quantityText) || Number(quantityText) < 1) {
      fields.quantity = ["Enter a whole number of units, at least 1."];
    }
    var places = decimalPlaces(widget.terms.list_price);
    if (!/^\d+(\.\d+)?$/.test(priceText) || /^[0.]+$/.test(priceText)) {
      fields.target_unit_price = ["Enter a price above zero, like " + widget.terms.list_price + "."];
    } else if (decimalPlaces(priceText) > places) {
      fields.target_unit_price = [widget.terms.currency + " prices have at most " + plural(places, "decimal place") + "."];
    }
    return Object.keys(fields).length ? new ApiError("Please check the highlighted fields.", fields) : null;
  }

  function cleanPrice(text) {
    return text.trim().replace(/^[^\d.]+/, "");  // tolerate a typed currency symbol
  }

  // ---- the terms shown before asking ------------------------------------------------

  function renderQuote(widget) {
    var terms = widget.terms;
    var quantityText = widget.ask.elements.quantity.value.trim();
    var quantity = /^\d+$/.test(quantityText) && Number(quantityText) >= 1 ? Number(quantityText) : 1;
    part(widget.root, "quote").textContent = "At " + units(quantity) + ": " + formatMoney(priceAt(terms, quantity), terms.currency) + " each";
    var next = nextBreak(terms, quantity);
    part(widget.root, "next").textContent = next
      ? "Next volume break: from " + formatQuantity(next.min_quantity) + " units: "
        + formatMoney(next.unit_price, terms.currency) + " each"
      : (terms.breaks.length ? "This is our best volume price." : "");
  }

  function renderRules(widget) {
    var terms = widget.terms;
    part(widget.root, "rules").textContent = "Offers hold for " + plural(terms.offer_validity_hours, "hour")
      + ". Up to " + plural(terms.max_rounds, "round") + " per request; after that, accept an offer or ask a sales rep.";
  }

  // ---- the answer: offers, deal and what the buyer can do next ----------------------

  function offerItem(widget, negotiation, offer) {
    var open = offer.status === "open" && new Date(offer.expires_at).getTime() > Date.now();
    var messageId = "co-offer-" + offer.id;
    var expiry = offer.status === "open"
      ? el("span", {}, [localTime(offer.expires_at), " (" + expiresIn(offer.expires_at) + ")"])
      : offer.status;
    var item = el("li", { "class": "co-offer" }, [
      el("p", { "class": "co-offer-message", id: messageId }, [offer.message]),
      definitions([["Quantity", units(offer.quantity)],
                   ["Unit price", formatMoney(offer.unit_price, offer.currency)],
                   [offer.status === "open" ? "Expires" : "Status", expiry]])
    ]);
    if (open && CAN_ACCEPT.indexOf(negotiation.status) >= 0) {
      var button = el("button", { type: "button", "class": "co-primary", "aria-describedby": messageId }, ["Accept"]);
      button.addEventListener("click", function () { accept(widget, negotiation, offer); });
      item.appendChild(button);
    }
    return item;
  }

  function dealSection(widget, deal) {
    var facts = [["Quantity", units(deal.quantity)],
                 ["Unit price", formatMoney(deal.unit_price, deal.currency)],
                 ["Deal code", el("code", {}, [deal.token])],
                 ["Valid until", localTime(deal.valid_until)]];
    var section = el("div", { "class": "co-deal" }, [definitions(facts)]);
    if (widget.cartUrl) {
      var href = widget.cartUrl.split("{token}").join(encodeURIComponent(deal.token));
      section.appendChild(el("a", { href: href, "class": "co-cart-link" }, ["Add to cart at this price"]));
    } else {
      section.appendChild(el("p", {}, ["Give this code at checkout or to your sales rep."]));
    }
    return section;
  }

  function renderResult(widget, negotiation, deal, focus) {
    var result = part(widget.root, "result");
    var request = negotiation.request;
    var heading = el("h3", { tabindex: "-1", "class": "co-result-title" }, [HEADINGS[negotiation.status] || negotiation.status]);
    result.replaceChildren(
      heading,
      el("p", { "class": "co-round" }, ["Round " + negotiation.round + " of " + widget.terms.max_rounds]),
      el("p", {}, ["You asked for " + units(request.quantity) + " at "
                   + formatMoney(request.target_unit_price, request.currency) + " each."]),
      explanation(negotiation.status, deal),
      deal ? dealSection(widget, deal) : null,
      negotiation.offers.length && !deal
        ? el("ul", { "class": "co-offers" }, negotiation.offers.map(function (o) { return offerItem(widget, negotiation, o); }))
        : null
    );
    renderActions(widget, negotiation);
    part(widget.root, "ask").hidden = true;
    if (focus) { heading.focus(); }
  }

  function explanation(status, deal) {
    var text = status === "accepted" && !deal
      ? "You accepted the offer below. Its deal code was shown when you accepted; your sales rep can look it up."
      : EXPLANATIONS[status];
    return text ? el("p", { "class": "co-explain" }, [text]) : null;
  }

  function showNotice(widget, message) {
    part(widget.root, "result").appendChild(el("p", { "class": "co-error" }, [message]));
  }

  function renderActions(widget, negotiation) {
    var status = negotiation.status;
    var actions = part(widget.root, "actions");
    actions.replaceChildren();
    if (CAN_COUNTER.indexOf(status) >= 0 && negotiation.round < widget.terms.max_rounds) {
      actions.appendChild(counterForm(widget, negotiation));
    } else if (CAN_COUNTER.indexOf(status) >= 0) {
      actions.appendChild(el("p", {}, ["That was the last round: accept an offer or ask a sales rep."]));
    }
    var row = el("div", { "class": "co-buttons" });
    if (CAN_ESCALATE.indexOf(status) >= 0) { row.appendChild(actionButton(widget, negotiation, "escalate", "Ask a sales rep")); }
    if (CAN_WITHDRAW.indexOf(status) >= 0) { row.appendChild(actionButton(widget, negotiation, "withdraw", "Withdraw request")); }
    if (CAN_WITHDRAW.indexOf(status) < 0) {
      var again = el("button", { type: "button", "class": "co-secondary" }, ["Start a new request"]);
      again.addEventListener("click", function () { startOver(widget); });
      row.appendChild(again);
    }
    actions.appendChild(row);
  }

  function actionButton(widget, negotiation, action, label) {
    var button = el("button", { type: "button", "class": "co-secondary" }, [label]);
    button.addEventListener("click", function () {
      busy(widget, function () { return call(widget, "POST", "/requests/" + encodeURIComponent(negotiation.id) + "/" + action); })
        .then(function (updated) { renderResult(widget, updated, null, true); })
        .catch(function (error) { refreshAfterError(widget, negotiation, error); });
    });
    return button;
  }

  function counterForm(widget, negotiation) {
    var ids = { price: widget.uid + "-counter-target", quantity: widget.uid + "-counter-quantity" };
    var nextRound = "Counter-offer: round " + (negotiation.round + 1) + " of " + widget.terms.max_rounds;
    var form = el("form", { "class": "co-form co-counter", novalidate: "" }, [
      el("h4", {}, [nextRound]),
      el("div", { "class": "co-field" }, [
        el("label", { "for": ids.quantity }, ["Quantity"]),
        el("input", { id: ids.quantity, name: "quantity", type: "number", inputmode: "numeric", min: "1", step: "1",
                      value: String(negotiation.request.quantity), "aria-describedby": ids.quantity + "-error" }),
        el("p", { "class": "co-field-error", id: ids.quantity + "-error", "data-co-error": "quantity" })]),
      el("div", { "class": "co-field" }, [
        el("label", { "for": ids.price }, ["New target unit price (" + widget.terms.currency + ")"]),
        el("input", { id: ids.price, name: "target_unit_price", type: "text", inputmode: "decimal", autocomplete: "off",
                      "aria-describedby": ids.price + "-error" }),
        el("p", { "class": "co-field-error", id: ids.price + "-error", "data-co-error": "target_unit_price" })]),
      el("p", { "class": "co-form-error", "data-co-error": "_form", "aria-live": "polite" }),
      el("button", { type: "submit", "class": "co-secondary" }, ["Send counter-offer"])
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submitCounter(widget, negotiation, form);
    });
    return form;
  }

  // ---- actions ----------------------------------------------------------------------

  function submitAsk(widget) {
    var form = widget.ask;
    var quantityText = form.elements.quantity.value.trim();
    var priceText = cleanPrice(form.elements.target_unit_price.value);
    clearErrors(form);
    var problem = checkInputs(widget, quantityText, priceText);
    if (problem) { showErrors(form, problem); return; }
    var body = { sku: widget.sku, quantity: Number(quantityText), target_unit_price: priceText,
                 currency: widget.terms.currency };
    busy(widget, function () { return call(widget, "POST", "/requests", body); })
      .then(function (negotiation) { renderResult(widget, negotiation, null, true); })
      .catch(function (error) { showErrors(form, error); });
  }

  function submitCounter(widget, negotiation, form) {
    var quantityText = form.elements.quantity.value.trim();
    var priceText = cleanPrice(form.elements.target_unit_price.value);
    clearErrors(form);
    var problem = checkInputs(widget, quantityText, priceText);
    if (problem) { showErrors(form, problem); return; }
    var body = { target_unit_price: priceText, quantity: Number(quantityText) };
    busy(widget, function () { return call(widget, "POST", "/requests/" + encodeURIComponent(negotiation.id) + "/counter", body); })
      .then(function (updated) { renderResult(widget, updated, null, true); })
      .catch(function (error) { showErrors(form, error); });
  }

  function accept(widget, negotiation, offer) {
    busy(widget, function () { return call(widget, "POST", "/offers/" + encodeURIComponent(offer.id) + "/accept"); })
      .then(function (deal) {
        rememberDeal(negotiation.id, deal);
        var accepted = Object.assign({}, negotiation, { status: "accepted" });
        renderResult(widget, accepted, deal, true);
      })
      .catch(function (error) { refreshAfterError(widget, negotiation, error); });
  }

  /** A refused action usually means the negotiation moved on (expired, already accepted): show where it is now. */
  function refreshAfterError(widget, negotiation, error) {
    call(widget, "GET", "/requests/" + encodeURIComponent(negotiation.id))
      .then(function (current) { renderResult(widget, current, recalledDeal(current.id), true); })
      .catch(function () { /* keep what is on screen */ })
      .then(function () { showNotice(widget, error.message); });
  }

  function startOver(widget) {
    part(widget.root, "result").replaceChildren();
    part(widget.root, "actions").replaceChildren();
    widget.ask.hidden = false;
    widget.ask.elements.quantity.focus();
  }

  /** Pick up where the buyer left off: their newest request for this SKU, if still alive. */
  function loadLatest(widget) {
    call(widget, "GET", "/requests?sku=" + encodeURIComponent(widget.sku) + "&limit=1").then(function (data) {
      var latest = data && data.requests && data.requests[0];
      if (!latest || SHOWN_ON_LOAD.indexOf(latest.status) < 0) { return; }
      if (latest.status === "accepted" && Date.now() - new Date(latest.updated_at).getTime() > RECENT_ACCEPTED_MS) { return; }
      renderResult(widget, latest, recalledDeal(latest.id), false);
    }).catch(function () { /* nothing to resume: the empty form is the right start */ });
  }

  // ---- start ------------------------------------------------------------------------

  function init(root) {
    var ask = part(root, "ask");
    if (!ask || root.dataset.coReady) { return; }
    root.dataset.coReady = "true";
    var widget = { root: root, ask: ask, api: root.dataset.coApi, sku: root.dataset.coSku,
                   cartUrl: root.dataset.cartUrl || null, terms: JSON.parse(root.dataset.coTerms),
                   uid: root.getAttribute("aria-labelledby").replace(/-title$/, "") };
    part(root, "currency").textContent = " (" + widget.terms.currency + ")";
    renderRules(widget);
    renderQuote(widget);
    ask.elements.quantity.addEventListener("input", function () { renderQuote(widget); });
    ask.addEventListener("submit", function (event) { event.preventDefault(); submitAsk(widget); });
    loadLatest(widget);
  }

  function initAll() {
    document.querySelectorAll(".co-widget").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAll);
  } else {
    initAll();
  }
})();
