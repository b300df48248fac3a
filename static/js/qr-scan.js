// Check-in pages: read the person's QR code with the camera and look it up as
// if it had been typed. The browser's BarcodeDetector where it reads QR codes,
// otherwise the self-hosted jsQR, loaded only when the camera starts.
(function () {
  "use strict";
  var root = document.querySelector("[data-qr-scan]");
  var input = root && document.getElementById(root.dataset.input);
  if (!input || !input.form) return;
  var text = root.dataset;
  var status = root.querySelector("[data-qr-status]");
  var start = root.querySelector("[data-qr-start]");
  var stop = root.querySelector("[data-qr-stop]");
  var view = root.querySelector("[data-qr-view]");
  var video = root.querySelector("[data-qr-video]");
  // The check-in code's alphabet (bookings.models.CODE_ALPHABET).
  var CODE = /^[2-9A-HJKMNP-Z]{6}$/;
  var stream = null;
  var timer = null;
  var busy = false;
  var decode = null;

  root.hidden = false;
  function say(message) {
    status.textContent = message || "";
  }

  // getUserMedia exists only in a secure context (https, or localhost).
  if (!window.isSecureContext) {
    start.hidden = true;
    say(text.msgInsecure);
    return;
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    start.hidden = true;
    say(text.msgUnsupported);
    return;
  }

  function loadJsQR() {
    if (window.jsQR) return Promise.resolve();
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = text.decoder;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function jsQRDecoder() {
    return loadJsQR().then(function () {
      var canvas = document.createElement("canvas");
      var context = canvas.getContext("2d", { willReadFrequently: true });
      return function (source) {
        var width = source.videoWidth || source.naturalWidth || source.width;
        var height = source.videoHeight || source.naturalHeight || source.height;
        if (!width || !height) return Promise.resolve(null);
        // A smaller picture decodes faster and a phone's QR code fills it.
        var scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(source, 0, 0, canvas.width, canvas.height);
        var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(pixels.data, canvas.width, canvas.height, {
          inversionAttempts: "attemptBoth",
        });
        return Promise.resolve(found ? found.data : null);
      };
    });
  }

  function makeDecoder() {
    if (!("BarcodeDetector" in window)) return jsQRDecoder();
    return window.BarcodeDetector.getSupportedFormats()
      .then(function (formats) {
        if (formats.indexOf("qr_code") === -1) return jsQRDecoder();
        var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function (source) {
          return detector.detect(source).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      })
      .catch(jsQRDecoder);
  }

  function halt() {
    clearInterval(timer);
    timer = null;
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.srcObject = null;
    view.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  function read(value) {
    var code = String(value || "").replace(/\s+/g, "").toUpperCase();
    if (!CODE.test(code)) {
      say(text.msgNotCode);
      return;
    }
    halt();
    input.value = code;
    say(text.msgFound);
    if (input.form.requestSubmit) input.form.requestSubmit();
    else input.form.submit();
  }

  function tick() {
    if (!stream || busy || video.readyState < 2) return;
    busy = true;
    decode(video)
      .then(function (value) {
        busy = false;
        if (value) read(value);
      })
      .catch(function () {
        busy = false;
      });
  }

  start.addEventListener("click", function () {
    say(text.msgStarting);
    start.disabled = true;
    // The decoder first: a camera turned on for a decoder that failed to load
    // would stay on.
    (decode ? Promise.resolve(decode) : makeDecoder())
      .then(function (ready) {
        decode = ready;
        return navigator.mediaDevices.getUserMedia({
          video: { facingMode: "environment" },
          audio: false,
        });
      })
      .then(function (camera) {
        stream = camera;
        video.srcObject = stream;
        view.hidden = false;
        return video.play();
      })
      .then(function () {
        start.hidden = true;
        stop.hidden = false;
        say(text.msgLooking);
        timer = setInterval(tick, 150);
      })
      .catch(function (error) {
        halt();
        var name = error && error.name;
        if (name === "NotAllowedError" || name === "SecurityError") say(text.msgDenied);
        else if (name === "NotFoundError" || name === "OverconstrainedError") say(text.msgNoCamera);
        else say(text.msgFailed);
      })
      .then(function () {
        start.disabled = false;
      });
  });
  stop.addEventListener("click", function () {
    halt();
    say("");
  });
  window.addEventListener("pagehide", halt);
})();
