/* widget.js: the "Request a better price" widget; load after kit.js, widget_terms.js and widget_told.js.
 * Asking, the offers and deal that answer, countering, accepting, and following the page's
 * variant and quantity; the terms shown before asking are widget_terms.js's, what a buyer
 * tells widget_told.js's. Plain JavaScript, no build step. Every string from the server goes
 * into the page through textContent, never innerHTML. Prices stay the decimal strings the
 * server sends: nothing shown as a price is ever computed with floats here.
 */
(function () {
  "use strict";

  // The macro may be called several times on one page; each call adds this script.
  if (window.counterofferWidgetLoaded) { return; }
  window.counterofferWidgetLoaded = true;

  // The helpers it shares with the quote panel (kit.js), and its own parts: the macro loads them first.
  var kit = window.counterofferKit, termsPart = window.counterofferWidgetTerms, toldPart = window.counterofferWidgetTold;
  // A page that writes the markup by hand and forgets a script: say so, not a TypeError.
  if (!kit || !termsPart || !toldPart) {
    window.console.error("Counteroffer: load kit.js, widget_terms.js and widget_told.js before widget.js (the price_request_widget macro does).");
    return;
  }
  var formatMoney = kit.formatMoney, units = kit.units, cleanPrice = kit.cleanPrice, isPast = kit.isPast;
  var el = kit.el, button = kit.button, part = kit.part, definitions = kit.definitions, localTime = kit.localTime;
  var expiresIn = kit.expiresIn, ApiError = kit.ApiError, call = kit.call, busy = kit.busy;
  var field = kit.textField;  // a labelled input with its error slot, the template's shape
  var clearErrors = kit.clearErrors, showErrors = kit.showErrors, can = kit.can, finished = kit.finished;
  var renderQuote = termsPart.renderQuote, showCurrency = termsPart.showCurrency;
  // The competitor's quote as a file: uploaded first, then cited by its id (kit.js, shared with the quote panel).
  var DOCUMENT_FIELD = kit.DOCUMENT_FIELD, chosenFile = kit.chosenFile, uploadDocument = kit.uploadDocument;
  var byFileInput = kit.byFileInput;

  var SHOWN_ON_LOAD = ["open", "countered", "escalated", "accepted"];
  // An accepted request is worth showing again only while its deal is likely still good.
  var RECENT_ACCEPTED_MS = 7 * 24 * 3600 * 1000;

  var HEADINGS = {
    // "open": the engine would take it, but nothing is agreed until the buyer accepts.
    open: "Our offer: accept it to make it a deal", countered: "Here is what we can offer", escalated: "A sales rep will answer",
    accepted: "Deal agreed", declined: "We cannot offer that price", withdrawn: "Request withdrawn",
    expired: "This request has expired" };
  var EXPLANATIONS = {
    escalated: "A sales rep will answer your request.",
    declined: "That target is too far below what we can offer. Try another price or quantity, or ask a sales rep.",
    withdrawn: "You withdrew this request.",
    expired: "The offers ran out of time. Ask again for a new offer."
  };
  // What became of the order a released deal bought (the shop's orders port said so).
  var RELEASED = { cancelled: "was cancelled", failed: "did not go through", not_placed: "was never placed" };

  /** What the heading says: a deal's true state (used, run out) wins over "agreed". */
  function headingFor(negotiation, deal) {
    if (deal && deal.redeemed_at) { return "Deal used in an order"; }
    if (deal && isPast(deal.valid_until)) { return "Deal expired"; }
    if (deal && deal.released_at) { return "Deal usable again"; }
    return HEADINGS[negotiation.status] || negotiation.status;
  }

  // ---- the answer: offers, deal and what the buyer can do next ----------------------
  function offerItem(widget, negotiation, offer) {
    var open = offer.status === "open" && new Date(offer.expires_at).getTime() > Date.now();
    var messageId = "co-offer-" + offer.id;
    var expiry = offer.status !== "open" ? offer.status
      : el("span", {}, [localTime(offer.expires_at), " (" + expiresIn(offer.expires_at) + ")"]);
    var item = el("li", { "class": "co-offer" }, [
      el("p", { "class": "co-offer-message", id: messageId }, [offer.message]),
      definitions([["Quantity", units(offer.quantity)],
                   ["Unit price", formatMoney(offer.unit_price, offer.currency)],
                   [offer.status === "open" ? "Expires" : "Status", expiry]])
    ]);
    if (open && can("accept", negotiation.status)) {
      item.appendChild(button("Accept", "co-primary", function () { accept(widget, negotiation, offer); },
                              { "aria-describedby": messageId }));
    }
    return item;
  }

  function dealSection(widget, deal) {
    var facts = [["Quantity", units(deal.quantity)],
                 ["Unit price", formatMoney(deal.unit_price, deal.currency)],
                 ["Deal code", el("code", {}, [deal.token])],
                 ["Valid until", localTime(deal.valid_until)]];
    var section = el("div", { "class": "co-deal" }, [definitions(facts)]);
    if (deal.redeemed_at) {  // used: offering it again would only be refused at checkout
      section.appendChild(el("p", {}, ["Used in an order on ", localTime(deal.redeemed_at), ". It cannot be used again; ask again for a new offer."]));
      return section;
    }
    if (isPast(deal.valid_until)) {
      section.appendChild(el("p", {}, ["This deal has run out. Ask again for a new offer."]));
      return section;
    }
    if (deal.released_at) { section.appendChild(released(deal)); }
    // "{token}" as written, or as url_for(..., token="{token}") escapes it.
    var href = widget.cartUrl && widget.cartUrl.split(/\{token\}|%7Btoken%7D/i).join(encodeURIComponent(deal.token));
    section.appendChild(href ? el("a", { href: href, "class": "co-cart-link" }, ["Add to cart at this price"])
                             : el("p", {}, ["Give this code at checkout or to your sales rep."]));
    return section;
  }

  /** Why a used deal is free again: the shop gave back the order it bought. */
  function released(deal) {
    var order = deal.released_order_ref ? "Your order " + deal.released_order_ref : "Your order";
    var what = RELEASED[deal.released_because] || RELEASED.not_placed;
    return el("p", { "class": "co-released" },
              [order + " " + what + ", so this deal can be used again until ", localTime(deal.valid_until), "."]);
  }

  function renderResult(widget, negotiation, deal, focus) {
    var result = part(widget.root, "result");
    var request = negotiation.request;
    var heading = el("h3", { tabindex: "-1", "class": "co-result-title" }, [headingFor(negotiation, deal)]);
    var offers = negotiation.offers.length && !deal
      ? el("ul", { "class": "co-offers" }, negotiation.offers.map(function (o) { return offerItem(widget, negotiation, o); }))
      : null;
    var done = finished(negotiation.status);
    var round = done ? null : el("p", { "class": "co-round" }, ["Round " + negotiation.round + " of " + widget.terms.max_rounds]);
    var asked = "You asked for " + units(request.quantity) + " at " + formatMoney(request.target_unit_price, request.currency) + " each.";
    result.replaceChildren.apply(result, [heading, round, el("p", {}, [asked]), toldPart.history(negotiation),
      explanation(negotiation, deal), note(negotiation, deal), deal ? dealSection(widget, deal) : null,
      offers].filter(Boolean));
    renderActions(widget, negotiation);
    widget.ask.hidden = true;
    // The quote above then speaks of the quantity under negotiation, not the form's old value;
    // once it is over, the catalog price of the first ask would only contradict the outcome.
    part(widget.root, "terms").hidden = done;
    widget.ask.elements.quantity.value = String(request.quantity);
    renderQuote(widget);
    if (focus) { heading.focus(); }
  }

  function explanation(negotiation, deal) {
    var text = EXPLANATIONS[negotiation.status];
    if (negotiation.status === "escalated" && negotiation.offers.length) {
      text += " The offers below still hold until they expire, whatever the sales rep answers.";
    } else if (negotiation.status === "declined" && negotiation.offers.length) {
      text += " The offers below, from earlier rounds, still hold until they expire.";
    }
    return text ? el("p", { "class": "co-explain" }, [text]) : null;
  }

  /** A word from the shop beyond the offers: a rep's decision, or why a person will answer. */
  function note(negotiation, deal) {
    // A rep's counter is also the offer's own message: say it once, with the offer (the
    // offers are listed only while there is no deal).
    var repeated = !deal && negotiation.offers.some(function (o) { return o.message === negotiation.note; });
    return negotiation.note && !repeated ? el("p", { "class": "co-note" }, [negotiation.note]) : null;
  }

  function showNotice(widget, message) { part(widget.root, "result").appendChild(el("p", { "class": "co-error" }, [message])); }

  function renderActions(widget, negotiation) {
    var status = negotiation.status;
    var actions = part(widget.root, "actions");
    actions.replaceChildren();
    // An offer at the buyer's own price (or better) waits only for their accept.
    var settled = status === "open";
    if (settled) {
      actions.appendChild(el("p", {}, ["Accept the offer above, or withdraw the request."]));
    } else if (can("counter", status) && negotiation.round < widget.terms.max_rounds) {
      actions.appendChild(counterForm(widget, negotiation));
    } else if (can("counter", status)) {
      actions.appendChild(el("p", {}, [status === "escalated" ? "That was the last round; a sales rep will answer."
                                                               : "That was the last round: accept an offer or ask a sales rep."]));
    }
    if (kit.asksWhyNot("", negotiation)) {
      actions.appendChild(kit.whyNotForm(widget, widget.uid + "-why", "", negotiation,
                                         "/requests/" + encodeURIComponent(negotiation.id) + "/why-not"));
    }
    var row = el("div", { "class": "co-buttons" });
    if (can("escalate", status) && !settled) { row.appendChild(actionButton(widget, negotiation, "escalate", "Ask a sales rep")); }
    if (can("withdraw", status)) { row.appendChild(actionButton(widget, negotiation, "withdraw", "Withdraw request")); }
    if (!can("withdraw", status)) {
      row.appendChild(button("Start a new request", "co-secondary", function () { startOver(widget); }));
    }
    actions.appendChild(row);
  }

  function actionButton(widget, negotiation, action, label) {
    return button(label, "co-secondary", function () {
      busy(widget, function () { return call(widget, "POST", "/requests/" + encodeURIComponent(negotiation.id) + "/" + action); })
        .then(function (updated) { renderResult(widget, updated, null, true); })
        .catch(function (error) { refreshAfterError(widget, negotiation, error); });
    });
  }

  function counterForm(widget, negotiation) {
    var nextRound = "Counter-offer: round " + (negotiation.round + 1) + " of " + widget.terms.max_rounds;
    var form = el("form", { "class": "co-form co-counter", novalidate: "" }, [
      el("h4", {}, [nextRound]),
      field(widget.uid + "-counter-quantity", "Quantity", { name: "quantity", type: "number", inputmode: "numeric",
                                                            min: "1", step: "1", value: String(negotiation.request.quantity) }),
      field(widget.uid + "-counter-target", "New target unit price (" + widget.terms.currency + ")",
            { name: "target_unit_price", type: "text", inputmode: "decimal", autocomplete: "off" }),
      toldPart.section(widget, "counter"),
      el("p", { "class": "co-form-error", "data-co-error": "_form", "aria-live": "polite" }),
      el("button", { type: "submit", "class": "co-secondary" }, ["Send counter-offer"])
    ]);
    var path = "/requests/" + encodeURIComponent(negotiation.id) + "/counter";
    onSubmit(widget, form, path, function (quantity, price) { return { target_unit_price: price, quantity: quantity }; });
    return form;
  }

  // ---- actions ----------------------------------------------------------------------
  /** Both forms (ask, counter): check lightly, POST what makeBody builds, show the answer or the errors. */
  function onSubmit(widget, form, path, makeBody) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var quantityText = form.elements.quantity.value.trim();
      var priceText = cleanPrice(form.elements.target_unit_price.value);
      clearErrors(form);
      var told = toldPart.body(form);
      var problem = termsPart.checkInputs(widget, quantityText, priceText);
      var toldProblems = toldPart.check(form, told);
      if (Object.keys(toldProblems).length) {
        problem = problem || new ApiError("Please check the highlighted fields.", {});
        Object.assign(problem.fields, toldProblems);
      }
      if (problem) { showErrors(form, problem); return; }
      var body = Object.assign(makeBody(Number(quantityText), priceText), told), file = chosenFile(form);
      busy(widget, function () {
        return (file ? uploadDocument(widget, form, file) : Promise.resolve(null)).then(function (documentId) {
          if (documentId) { body.competing_offer.document_id = documentId; }
          return call(widget, "POST", path, body);
        });
      }).then(function (negotiation) {
        form.coUploaded = null;  // cited now: a new request from this form needs a new upload
        if (file) { form.elements[DOCUMENT_FIELD].value = ""; }
        renderResult(widget, negotiation, null, true);
      }).catch(function (error) { showErrors(form, byFileInput(form, error)); });
    });
  }

  function accept(widget, negotiation, offer) {
    busy(widget, function () { return call(widget, "POST", "/offers/" + encodeURIComponent(offer.id) + "/accept"); })
      .then(function (deal) {
        var accepted = Object.assign({}, negotiation, { status: "accepted" });
        renderResult(widget, accepted, deal, true);
      })
      .catch(function (error) { refreshAfterError(widget, negotiation, error); });
  }

  /** A refused action usually means the negotiation moved on (expired, already accepted): show where it is now. */
  function refreshAfterError(widget, negotiation, error) {
    call(widget, "GET", "/requests/" + encodeURIComponent(negotiation.id))
      .then(function (current) { renderResult(widget, current, current.deal, true); })
      .catch(function () { /* keep what is on screen */ })
      .then(function () { showNotice(widget, error.message); });
  }

  function startOver(widget) {
    ["result", "actions"].forEach(function (name) { part(widget.root, name).replaceChildren(); });
    widget.ask.hidden = false;
    part(widget.root, "terms").hidden = false;
    widget.ask.elements.quantity.focus();
  }

  /** Pick up where the buyer left off: their newest request for this SKU, if still alive. */
  function loadLatest(widget) {
    call(widget, "GET", "/requests?sku=" + encodeURIComponent(widget.sku) + "&limit=1").then(function (data) {
      var latest = data && data.requests && data.requests[0];
      // A request that ran out of time since the last visit: asked why, once (issue 16).
      var expiredUnasked = latest && latest.status === "expired" && kit.asksWhyNot("", latest);
      if (!latest || (SHOWN_ON_LOAD.indexOf(latest.status) < 0 && !expiredUnasked)) { return; }
      if (latest.status === "accepted" && Date.now() - new Date(latest.updated_at).getTime() > RECENT_ACCEPTED_MS) { return; }
      renderResult(widget, latest, latest.deal, false);
    }).catch(function () { /* nothing to resume: the empty form is the right start */ });
  }

  // ---- following the page: the variant picked and the quantity typed ----------------
  /** The value of the host's control: a select or input, or the checked one of a radio
   *  group the selector names. Empty when the page has no such control. */
  function pageValue(selector) {
    var found = document.querySelectorAll(selector);
    if (found.length > 1 || (found[0] && found[0].type === "radio")) {
      var checked = Array.prototype.filter.call(found, function (node) { return node.checked; })[0];
      return checked ? checked.value.trim() : "";
    }
    return found[0] ? String(found[0].value || "").trim() : "";
  }

  function followPage(widget) {
    var skuFrom = widget.root.dataset.coSkuFrom, quantityFrom = widget.root.dataset.coQuantityFrom;
    if (quantityFrom) {
      var copyQuantity = function () {
        var text = pageValue(quantityFrom);
        if (/^\d+$/.test(text) && Number(text) >= 1) { widget.ask.elements.quantity.value = text; renderQuote(widget); }
      };
      copyQuantity();
      ["input", "change"].forEach(function (type) {
        document.addEventListener(type, function (event) {
          if (event.target.matches && event.target.matches(quantityFrom)) { copyQuantity(); }
        });
      });
    }
    if (skuFrom) {
      var follow = function () { var sku = pageValue(skuFrom); if (sku && sku !== widget.sku) { switchSku(widget, sku); } };
      document.addEventListener("change", function (event) {
        if (event.target.matches && event.target.matches(skuFrom)) { follow(); }
      });
      follow();  // the page may open on another variant than the one the macro was given
    }
  }

  /** The buyer picked another variant: its own terms, and its own latest request. */
  function switchSku(widget, sku) {
    widget.sku = sku;
    widget.root.dataset.coSku = sku;
    ["result", "actions"].forEach(function (name) { part(widget.root, name).replaceChildren(); });
    return call(widget, "GET", "/products/" + encodeURIComponent(sku) + "/terms").then(function (terms) {
      if (widget.sku !== sku) { return; }  // picked again meanwhile
      widget.terms = terms;
      widget.ask.hidden = false;
      part(widget.root, "terms").hidden = false;
      showCurrency(widget);
      renderQuote(widget);
      loadLatest(widget);
    }).catch(function () {
      if (widget.sku !== sku) { return; }
      widget.ask.hidden = true;
      part(widget.root, "terms").hidden = true;
      showNotice(widget, "The price of this product cannot be negotiated online; please contact your sales rep.");
    });
  }

  // ---- start ------------------------------------------------------------------------
  function init(root) {
    var ask = part(root, "ask");
    if (!ask || root.dataset.coReady) { return; }
    root.dataset.coReady = "true";
    var widget = { root: root, ask: ask, api: root.dataset.coApi, sku: root.dataset.coSku,
                   cartUrl: root.dataset.cartUrl || null, terms: JSON.parse(root.dataset.coTerms),
                   maxQuantity: Number(root.dataset.coMaxQuantity) || 10000000,
                   uid: root.getAttribute("aria-labelledby").replace(/-title$/, "") };
    showCurrency(widget);
    termsPart.renderRules(widget);
    renderQuote(widget);
    ask.elements.quantity.addEventListener("input", function () { renderQuote(widget); });
    onSubmit(widget, ask, "/requests", function (quantity, price) {
      return { sku: widget.sku, quantity: quantity, target_unit_price: price, currency: widget.terms.currency };
    });
    var macroSku = widget.sku;
    followPage(widget);
    if (widget.sku === macroSku) { loadLatest(widget); }  // else switchSku loads the picked one's
  }

  function initAll() { document.querySelectorAll(".co-widget").forEach(init); }

  // The macro loads this with defer, but a host may load it otherwise.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", initAll); } else { initAll(); }
})();
