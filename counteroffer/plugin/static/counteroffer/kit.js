/* kit.js: the helpers the widget's and the quotes' scripts share; needs nothing, loads first.
 * Money on strings, DOM, the state machine, the API, busy state, form errors, what a buyer
 * tells. Plain JavaScript, no build step; each macro loads it first, with defer, so it runs
 * before the scripts that use it. Every string from the server goes into the page
 * through textContent, never innerHTML, and prices stay the decimal strings the server
 * sends: nothing shown as a price is computed with floats.
 */
(function () {
  "use strict";

  if (window.counterofferKit) { return; }  // each macro call adds this script

  var SYMBOLS = { USD: "$", EUR: "\u20ac", GBP: "\u00a3", JPY: "\u00a5" };  // as the server's messages
  var HOUR_MS = 3600 * 1000;

  // ---- money and numbers, on strings ------------------------------------------------
  function groupDigits(digits) { return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }  // as Python's "{:,}"

  function formatMoney(amount, currency) {
    var text = String(amount), sign = text.charAt(0) === "-" ? "-" : "";
    var parts = text.replace(/^-/, "").split(".");
    text = groupDigits(parts[0]) + (parts.length > 1 ? "." + parts[1] : "");
    return sign + (SYMBOLS[currency] ? SYMBOLS[currency] + text : currency + " " + text);
  }

  function formatQuantity(quantity) { return groupDigits(String(quantity)); }

  function units(quantity) { return formatQuantity(quantity) + (quantity === 1 ? " unit" : " units"); }

  function plural(count, word) { return count + " " + word + (count === 1 ? "" : "s"); }

  function decimalPlaces(amount) { return (String(amount).split(".")[1] || "").length; }

  /** Compare two non-negative decimal strings exactly: -1, 0 or 1. */
  function compareDecimal(a, b) {
    var pa = a.split("."), pb = b.split(".");
    var width = Math.max(pa[0].length, pb[0].length);
    var places = Math.max(decimalPlaces(a), decimalPlaces(b));
    function key(p) { return p[0].padStart(width, "0") + (p[1] || "").padEnd(places, "0"); }
    return key(pa) < key(pb) ? -1 : (key(pa) > key(pb) ? 1 : 0);
  }

  // Tolerate a typed currency symbol and leading zeros ("$0110.00"): the API takes "110.00".
  function cleanPrice(text) { return text.trim().replace(/^[^\d.]+/, "").replace(/^0+(?=\d)/, ""); }

  function isPast(iso) { return new Date(iso).getTime() <= Date.now(); }

  // ---- DOM helpers ------------------------------------------------------------------
  /** Build an element; children are nodes or strings (strings become text, never HTML). */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === "string" ? document.createTextNode(child) : child); }
    });
    return node;
  }

  function button(label, kind, onClick, attrs) {
    var node = el("button", Object.assign({ type: "button", "class": kind }, attrs || {}), [label]);
    node.addEventListener("click", onClick);
    return node;
  }

  function part(root, name) { return root.querySelector('[data-co-part="' + name + '"]'); }

  function definitions(pairs) {
    var list = el("dl", { "class": "co-facts" });
    pairs.forEach(function (pair) { list.append(el("dt", {}, [pair[0]]), el("dd", {}, [pair[1]])); });
    return list;
  }

  function localTime(iso) {  // the buyer's own time zone and format
    return el("time", { datetime: iso }, [new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })]);
  }

  function expiresIn(iso) {
    var left = new Date(iso).getTime() - Date.now();
    if (left <= 0) { return "expired"; }
    if (left < 1.5 * HOUR_MS) { return "expires in " + plural(Math.max(1, Math.round(left / 60000)), "minute"); }
    return "expires in " + plural(Math.round(left / HOUR_MS), "hour");
  }

  // ---- the server's state machine (negotiation/states.py): a line request's and a quote's alike
  var MOVES = { accept: ["open", "countered", "escalated", "declined"], counter: ["open", "countered", "escalated", "declined"],
                escalate: ["open", "countered", "declined"], withdraw: ["open", "countered", "escalated", "declined"] };

  function can(move, status) { return MOVES[move].indexOf(status) >= 0; }
  // Accepted, withdrawn, expired: nothing more to negotiate, so no rounds or counter form.
  function finished(status) { return !can("withdraw", status); }

  // ---- talking to the API -----------------------------------------------------------
  function ApiError(message, fields) { this.message = message; this.fields = fields || {}; }

  /** ``holder.api`` is the API's root URL; the answer's JSON, or an ApiError with the API's words. */
  function call(holder, method, path, body) {
    var init = { method: method, credentials: "same-origin",
                 headers: { "Accept": "application/json", "Content-Type": "application/json" } };
    if (body !== undefined) { init.body = JSON.stringify(body); }
    return fetch(holder.api + path, init).catch(function () {
      throw new ApiError("Could not reach the shop. Check your connection and try again.");
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.ok) { return data; }
        var error = (data && data.error) || {};  // the API's {"error": {code, message, fields}}
        throw new ApiError(error.message || "Something went wrong (HTTP " + response.status + ").", error.fields);
      });
    });
  }

  /** Run one API call at a time, so a double click sends one request. Buttons get
   *  aria-disabled, not disabled: a disabled button drops keyboard focus to the page. */
  function busy(holder, start) {
    if (holder.pending) { return new Promise(function () {}); }
    setBusy(holder, true);
    return start().finally(function () { setBusy(holder, false); });
  }

  function setBusy(holder, on) {
    holder.pending = on;
    holder.root.setAttribute("aria-busy", String(on));
    holder.root.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-disabled", String(on)); });
  }

  // ---- forms and errors -------------------------------------------------------------
  function clearErrors(form) {
    form.querySelectorAll("[data-co-error]").forEach(function (slot) { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (input) { input.removeAttribute("aria-invalid"); });
  }

  /** The API's field errors as {path: "message"}: nested objects ({"lines": {"0": {...}}})
   *  and dotted or bracketed keys ("lines[0].quantity") both become "lines.0.quantity". */
  function flattenFields(fields, prefix, into) {
    into = into || {};
    Object.keys(fields || {}).forEach(function (key) {
      var value = fields[key], path = (prefix ? prefix + "." : "") + String(key).replace(/\[(\d+)\]/g, ".$1");
      if (value && typeof value === "object" && !Array.isArray(value)) { flattenFields(value, path, into); return; }
      var words = [].concat(value).map(function (item) { return typeof item === "string" ? item : JSON.stringify(item); });
      into[path] = ((into[path] ? into[path] + " " : "") + words.join(" ")).trim();
    });
    return into;
  }

  /** Field messages go next to their inputs (the input's name is the field's path); the
   *  rest, with the summary, above the button. ``describe(path)`` names a field that has
   *  no input on the form, so its message still says which one. */
  function showErrors(form, error, describe) {
    var general = [error.message || "Something went wrong; please try again."];
    var fields = flattenFields(error.fields);
    var first = null;
    Object.keys(fields).forEach(function (path) {
      var slot = form.querySelector('[data-co-error="' + path + '"]');
      var input = form.querySelector('[name="' + path + '"]');
      if (slot && input) {
        slot.textContent = fields[path];
        input.setAttribute("aria-invalid", "true");
        var section = input.closest("details");
        if (section) { section.open = true; }  // an error in a collapsed section must be seen
        first = first || input;
      } else {
        general.push(describe ? describe(path, fields[path]) : fields[path]);
      }
    });
    form.querySelector('[data-co-error="_form"]').textContent = general.join(" ");
    if (first) { first.focus(); }
  }

  // ---- what the buyer tells, and why not: shared by the widget and the quote panel ------
  function localDate(day) {  // "2026-11-30", a calendar day: shown as it is, in no time zone
    return el("time", { datetime: day }, [new Date(day + "T00:00:00Z").toLocaleDateString(undefined, { dateStyle: "medium", timeZone: "UTC" })]);
  }

  /** A told field's text; a file input's is its file, read apart (chosenFile). */
  function typed(form, name) { var input = form.elements[name]; return input && input.type !== "file" ? input.value.trim() : ""; }

  /** What the buyer tells, as the API takes it ({} when left empty): ``offered`` is the
   *  competitor's prices as read from the form (null without any); the competitor, how long
   *  their offer holds and a note go with them, and the day the goods are needed by apart. */
  function toldBody(form, offered) {
    var body = {}, competitor = typed(form, "competing_offer.competitor");
    if (competitor || offered) {
      body.competing_offer = Object.assign({ competitor: competitor }, offered);
      var validUntil = typed(form, "competing_offer.valid_until"), note = typed(form, "competing_offer.note");
      if (validUntil) { body.competing_offer.valid_until = validUntil; }
      if (note) { body.competing_offer.note = note; }
    }
    if (typed(form, "needed_by")) { body.needed_by = typed(form, "needed_by"); }
    return body;
  }

  /** "What you told us", round by round: only the buyer's own company ever gets it back.
   *  ``offered(cited)`` words the competitor's price (a unit price, or a quote's total or lines). */
  function toldHistory(told, attrs, offered) {
    if (!told || !told.length) { return null; }
    return el("div", attrs, [el("h4", {}, ["What you told us"]), el("ul", { "class": "co-history" }, told.map(function (round) {
      var parts = ["Round " + round.round + ": "], cited = round.competing_offer;
      if (cited) {
        parts.push(cited.competitor + " offers " + offered(cited));
        if (cited.valid_until) { parts.push(", valid until ", localDate(cited.valid_until)); }
        parts.push(cited.note ? " (" + cited.note + "). " : ". ");
        if (cited.document) { parts.push(citedDocumentWords(cited.document)); }
      }
      if (round.needed_by) { parts.push("Needed by ", localDate(round.needed_by), "."); }
      return el("li", {}, parts);
    }))]);
  }

  // Why not: the one optional question when a negotiation ends without a deal (the API's LOST_REASONS).
  var WHY_NOT = [["price_too_high", "The price is too high"], ["found_cheaper", "I found it cheaper elsewhere"],
                 ["quantity_too_large", "The quantity is too large"], ["terms_do_not_fit", "The terms do not fit"],
                 ["no_longer_needed", "I no longer need it"], ["other", "Something else"]];

  function skipKey(kind, thing) { return "co-why-not-skipped:" + (kind ? kind + ":" : "") + thing.id; }

  function skipped(kind, thing) {
    try { return window.localStorage.getItem(skipKey(kind, thing)) === "1"; } catch (e) { return false; }
  }

  /** Withdrawn or run out of time, not answered, not waved away: ask once. ``kind`` keeps a
   *  quote's "No thanks" apart from a line request's ("" for a line request, "quote"). */
  function asksWhyNot(kind, thing) {
    return (thing.status === "withdrawn" || thing.status === "expired") && !thing.why_not && !skipped(kind, thing);
  }

  function textField(id, label, attrs) {
    attrs.id = id;
    attrs["aria-describedby"] = id + "-error";
    return el("div", { "class": "co-field" }, [
      el("label", { "for": id }, [].concat(label)), el("input", attrs),
      el("p", { "class": "co-field-error", id: id + "-error", "data-co-error": attrs.name })]);
  }

  /** The why-not question for ``thing`` (a request or a quote), answered at ``path``. */
  function whyNotForm(holder, prefix, kind, thing, path) {
    var choices = WHY_NOT.map(function (pair, index) {
      var id = prefix + "-" + index;
      return el("div", { "class": "co-choice" }, [el("input", { type: "radio", name: "reason", value: pair[0], id: id }),
                                                  el("label", { "for": id }, [pair[1]])]);
    });
    var form = el("form", { "class": "co-form co-why-form", novalidate: "" }, [
      el("fieldset", { "class": "co-why", "aria-describedby": prefix + "-reason-error" }, [
        el("legend", {}, ["Would you tell us why? (optional)"])].concat(choices, [
        el("p", { "class": "co-field-error", id: prefix + "-reason-error", "data-co-error": "reason" })])),
      textField(prefix + "-note", "Anything to add? (optional)", { name: "note", type: "text", maxlength: "500", autocomplete: "off" }),
      el("p", { "class": "co-form-error", "data-co-error": "_form", "aria-live": "polite" }),
      el("div", { "class": "co-buttons" }, [
        el("button", { type: "submit", "class": "co-secondary" }, ["Send"]),
        button("No thanks", "co-secondary", function () {
          try { window.localStorage.setItem(skipKey(kind, thing), "1"); } catch (e) { /* private mode: ask again next time */ }
          form.replaceWith(el("p", { role: "status" }, ["No problem."]));
        })])
    ]);
    form.addEventListener("change", function () { clearErrors(form); });  // a reason chosen answers the error
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clearErrors(form);
      var chosen = form.querySelector('input[name="reason"]:checked');
      if (!chosen) {
        showErrors(form, new ApiError("Choose a reason, or press No thanks.", { reason: ["Choose one of the reasons."] }));
        return;
      }
      var body = { reason: chosen.value };
      if (form.elements.note.value.trim()) { body.note = form.elements.note.value.trim(); }
      busy(holder, function () { return call(holder, "POST", path, body); })
        .then(function () { form.replaceWith(el("p", { role: "status" }, ["Thank you: that helps us."])); })
        .catch(function (error) { showErrors(form, error); });
    });
    return form;
  }

  // ---- the competitor's quote as a file: uploaded first, then cited by its id ------------
  // As the API takes it (docs/competing-offers.md): POST /documents with the bytes in
  // base64, then "document_id" in the competing_offer. The server reads the type from
  // the content and checks the size again; the size here only saves a useless upload.
  var DOCUMENT_FIELD = "competing_offer.document", MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

  function chosenFile(form) {
    var input = form.elements[DOCUMENT_FIELD];
    return (input && input.files && input.files[0]) || null;
  }

  /** An error by the file input, naming the field and the file. */
  function fileError(file, words) {
    var fields = {};
    fields[DOCUMENT_FIELD] = ["Their quote file (" + file.name + "): " + words];
    return new ApiError("Please check the highlighted fields.", fields);
  }

  /** ``told``: the body's told part; a file goes only with a competing offer. */
  function checkFile(form, told, fields) {
    var file = chosenFile(form);
    if (!file) { return; }
    if (!told.competing_offer) {
      fields[DOCUMENT_FIELD] = ["A file goes with a competing offer: name the competitor and their price too."];
    } else if (file.size > MAX_DOCUMENT_BYTES) {
      fields[DOCUMENT_FIELD] = fileError(file, "send a file of at most 5 MB.").fields[DOCUMENT_FIELD];
    }
  }

  function readBase64(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(",")[1] || ""); };  // after "data:...;base64,"
      reader.onerror = function () { reject(fileError(file, "could not be read; choose it again.")); };
      reader.readAsDataURL(file);
    });
  }

  /** The uploaded document's id. Once per file chosen: a retry after another field's
   *  error cites the same upload (an upload never cited is deleted after a day). */
  function uploadDocument(holder, form, file) {
    if (form.coUploaded && form.coUploaded.file === file) { return Promise.resolve(form.coUploaded.id); }
    return readBase64(file).then(function (content) {
      return call(holder, "POST", "/documents", { filename: file.name, content_base64: content });
    }).then(function (uploaded) {
      form.coUploaded = { file: file, id: uploaded.id };
      return uploaded.id;
    }, function (error) {  // the server's words ("document", "content_base64"...), by the file input
      var words = flattenFields(error.fields);
      if (words[DOCUMENT_FIELD]) { throw error; }
      var said = Object.keys(words).map(function (key) { return words[key]; }).join(" ");
      throw fileError(file, said || error.message);
    });
  }

  /** A cited document in "What you told us": attached, or deleted under the shop's retention (issue 16). */
  function citedDocumentWords(cited) {
    return cited.deleted_at ? "Their quote (" + cited.filename + ") was deleted under our document retention. "
                            : "Their quote attached: " + cited.filename + ". ";
  }

  /** A citation refused for its document ("competing_offer.document_id") is said by the file input. */
  function byFileInput(form, error) {
    var fields = flattenFields(error.fields), file = chosenFile(form);
    if (fields["competing_offer.document_id"] && file) {
      form.coUploaded = null;  // upload it again next time
      fields[DOCUMENT_FIELD] = fileError(file, fields["competing_offer.document_id"]).fields[DOCUMENT_FIELD];
      delete fields["competing_offer.document_id"];
    }
    return new ApiError(error.message, fields);
  }

  window.counterofferKit = {
    formatMoney: formatMoney, formatQuantity: formatQuantity, units: units, plural: plural,
    decimalPlaces: decimalPlaces, compareDecimal: compareDecimal, cleanPrice: cleanPrice, isPast: isPast,
    can: can, finished: finished,
    el: el, button: button, part: part, definitions: definitions, localTime: localTime, expiresIn: expiresIn,
    ApiError: ApiError, call: call, busy: busy, clearErrors: clearErrors, flattenFields: flattenFields,
    showErrors: showErrors, localDate: localDate, textField: textField, asksWhyNot: asksWhyNot, whyNotForm: whyNotForm,
    DOCUMENT_FIELD: DOCUMENT_FIELD, chosenFile: chosenFile, checkFile: checkFile, uploadDocument: uploadDocument,
    byFileInput: byFileInput, citedDocumentWords: citedDocumentWords, typed: typed, toldBody: toldBody, toldHistory: toldHistory
  };
})();
