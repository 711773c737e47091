// Proof of work (site_config/proof_of_work.py, the ALTCHA protocol): a hidden
// input[data-proof-of-work] carries a signed challenge. As soon as the page loads, this finds
// its counter with Web Crypto SHA-256 and puts the answer in the input. Web Crypto hashes off
// the main thread, in small batches with a turn for the page between them, so typing never
// waits. A send before the answer is ready waits for it with a visible line; a challenge
// about to run out while the page was open is replaced by a fresh one (data-proof-of-work-url)
// first. Without this script, or without Web Crypto, the field stays empty and the server
// decides (site_config/proof_of_work.py).
(function () {
  "use strict";
  var BATCH = 100; // hashes in flight at once: as fast as larger batches, with short turns
  var MARGIN_MS = 60 * 1000; // a challenge closer than this to its end is replaced at send
  var ALGORITHMS = { "SHA-256": 1, "SHA-384": 1, "SHA-512": 1 };
  var subtle = window.crypto && window.crypto.subtle;
  if (!subtle || !window.Promise || !window.fetch || !window.btoa) return;

  function bytes(hex) {
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  }

  function hex(buffer) {
    var view = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < view.length; i++) out += (view[i] < 16 ? "0" : "") + view[i].toString(16);
    return out;
  }

  // The key for one counter: SHA of salt + nonce + counter (4 bytes, big-endian), hashed
  // again ``cost`` - 1 times (the server cuts it to ``keyLength`` bytes).
  function derive(p, salt, nonce, counter) {
    var data = new Uint8Array(salt.length + nonce.length + 4);
    data.set(salt, 0);
    data.set(nonce, salt.length);
    new DataView(data.buffer).setUint32(salt.length + nonce.length, counter);
    var key = subtle.digest(p.algorithm, data);
    for (var round = 1; round < p.cost; round++) {
      key = key.then(function (buffer) { return subtle.digest(p.algorithm, buffer); });
    }
    return key;
  }

  // Web Crypto's answers come back as microtasks, which run before anything else: without a
  // turn for the page between batches, typing would wait for the whole search.
  var turns = [];
  var channel = window.MessageChannel ? new MessageChannel() : null;
  if (channel) channel.port1.onmessage = function () { turns.shift()(); };
  function nextTurn() {
    return new Promise(function (resolve) {
      if (!channel) return setTimeout(resolve, 0);
      turns.push(resolve);
      channel.port2.postMessage(null);
    });
  }

  // Resolves to the solution; gives up (rejects) once ``stale()`` says a newer one is wanted.
  function solve(challenge, stale) {
    var p = challenge.parameters;
    if (!ALGORITHMS[p.algorithm]) return Promise.reject(new Error("unknown algorithm"));
    var salt = bytes(p.salt);
    var nonce = bytes(p.nonce);
    var prefix = p.keyPrefix.toLowerCase();
    var whole = prefix.length % 2 === 0 ? bytes(prefix) : null; // else compared as hex
    var started = Date.now();

    function matches(key) {
      var view = new Uint8Array(key, 0, Math.ceil(prefix.length / 2));
      if (!whole) return hex(view).indexOf(prefix) === 0;
      for (var i = 0; i < whole.length; i++) if (view[i] !== whole[i]) return false;
      return true;
    }

    function batch(start) {
      if (stale()) return Promise.reject(new Error("replaced"));
      var tries = [];
      for (var c = start; c < start + BATCH; c++) tries.push(derive(p, salt, nonce, c));
      return Promise.all(tries).then(function (keys) {
        for (var i = 0; i < keys.length; i++) {
          if (matches(keys[i])) {
            var key = hex(keys[i].slice(0, p.keyLength));
            return { counter: start + i, derivedKey: key, time: Date.now() - started };
          }
        }
        if (start + BATCH > 0xffffffff) throw new Error("no solution");
        return nextTurn().then(function () { return batch(start + BATCH); });
      });
    }
    return batch(0);
  }

  function parse(text) {
    try {
      var challenge = JSON.parse(text || "");
      return challenge && challenge.parameters ? challenge : null;
    } catch (e) {
      return null;
    }
  }

  function setUp(input) {
    var form = input.form;
    var status = form.querySelector("[data-proof-of-work-waiting]");
    var challenge = parse(input.getAttribute("data-proof-of-work"));
    var work = null;
    var generation = 0;
    var waiting = false;
    var releasing = false;

    function fetchChallenge() {
      return fetch(input.getAttribute("data-proof-of-work-url"), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      }).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }

    function start(found) {
      var mine = ++generation;
      function stale() { return mine !== generation; }
      input.value = "";
      work = found.then(function (fresh) {
        challenge = fresh;
        return solve(fresh, stale).then(function (solution) {
          if (stale()) return;
          input.value = window.btoa(JSON.stringify({ challenge: fresh, solution: solution }));
        });
      });
      work.catch(function () { /* the field stays empty: the server's way without script */ });
      return work;
    }

    function expiring() {
      var at = challenge && challenge.parameters.expiresAt;
      return !at || at * 1000 < Date.now() + MARGIN_MS;
    }

    start(challenge && !expiring() ? Promise.resolve(challenge) : fetchChallenge());

    form.addEventListener("submit", function (event) {
      if (releasing) { releasing = false; return; }
      if (waiting) { event.preventDefault(); return; }
      if (input.value && !expiring()) return;
      event.preventDefault();
      waiting = true;
      if (status) {
        status.className = "loading";
        status.textContent = status.getAttribute("data-proof-of-work-waiting");
      }
      var submitter = event.submitter;
      (expiring() ? start(fetchChallenge()) : work).catch(function () {}).then(function () {
        waiting = false;
        if (status) { status.className = ""; status.textContent = ""; }
        releasing = true;
        if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      });
    });
  }

  document.querySelectorAll("input[data-proof-of-work]").forEach(setUp);
})();
