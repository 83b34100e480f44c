// A small slippy map for the branch form: tiles from the configured server, a pin at the
// latitude/longitude fields. The fields stay the truth: the map reads them and fills them.
// Any tile that fails to load hides the map (tiles unreachable); the fields still work.
(function () {
  "use strict";
  var TILE = 256, MIN_ZOOM = 2, MAX_ZOOM = 19, PIN_ZOOM = 15, START_ZOOM = 7;
  var START = { lat: 50.85, lon: 4.35 };  // Brussels when no location is set yet

  function size(zoom) { return TILE * Math.pow(2, zoom); }
  // Web Mercator: degrees to world pixels at a zoom, and back.
  function toPixel(lat, lon, zoom) {
    var s = size(zoom), rad = lat * Math.PI / 180;
    return {
      x: (lon + 180) / 360 * s,
      y: (1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2 * s
    };
  }
  function toDegrees(x, y, zoom) {
    var s = size(zoom), n = Math.PI - 2 * Math.PI * y / s;
    return { lat: 180 / Math.PI * Math.atan(Math.sinh(n)), lon: x / s * 360 - 180 };
  }
  function field(input) {
    var value = parseFloat(String(input.value).replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function SlippyMap(root) {
    this.root = root;
    this.view = root.querySelector(".map-view");
    this.tiles = root.querySelector(".map-tiles");
    this.pin = root.querySelector(".map-pin");
    this.lat = document.getElementById(root.dataset.lat);
    this.lon = document.getElementById(root.dataset.lon);
    this.template = root.dataset.tiles;
    var where = this.point();
    this.zoom = where ? PIN_ZOOM : START_ZOOM;
    this.center = toPixel(where ? where.lat : START.lat, where ? where.lon : START.lon, this.zoom);
    root.hidden = false;
    this.bind();
    this.draw();
  }

  SlippyMap.prototype.point = function () {
    var lat = field(this.lat), lon = field(this.lon);
    if (lat === null || lon === null || Math.abs(lat) > 85.05 || Math.abs(lon) > 180) return null;
    return { lat: lat, lon: lon };
  };

  SlippyMap.prototype.bind = function () {
    var self = this;
    this.view.addEventListener("click", function (event) {
      var box = self.view.getBoundingClientRect();
      var x = self.center.x - box.width / 2 + (event.clientX - box.left);
      var y = self.center.y - box.height / 2 + (event.clientY - box.top);
      var where = toDegrees(x, y, self.zoom);
      self.lat.value = where.lat.toFixed(6);
      self.lon.value = where.lon.toFixed(6);
      self.placePin();
    });
    [this.lat, this.lon].forEach(function (input) {
      input.addEventListener("input", function () {
        var where = self.point();
        if (where) self.center = toPixel(where.lat, where.lon, self.zoom);
        self.draw();
      });
    });
    this.root.querySelectorAll("[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { self.zoomBy(parseInt(button.dataset.zoom, 10)); });
    });
    this.view.addEventListener("keydown", function (event) {
      var step = { ArrowLeft: [-64, 0], ArrowRight: [64, 0], ArrowUp: [0, -64], ArrowDown: [0, 64] }[event.key];
      if (event.key === "+" || event.key === "-") { self.zoomBy(event.key === "+" ? 1 : -1); }
      else if (step) { self.center = { x: self.center.x + step[0], y: self.center.y + step[1] }; self.draw(); }
      else return;
      event.preventDefault();
    });
    var details = this.root.closest("details");
    if (details) details.addEventListener("toggle", function () { self.draw(); });
    window.addEventListener("resize", function () { self.draw(); });
  };

  SlippyMap.prototype.zoomBy = function (step) {
    var zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, this.zoom + step));
    var factor = Math.pow(2, zoom - this.zoom);
    this.center = { x: this.center.x * factor, y: this.center.y * factor };
    this.zoom = zoom;
    this.root.dataset.zoomLevel = String(zoom);
    this.draw();
  };

  SlippyMap.prototype.draw = function () {
    var width = this.view.clientWidth, height = this.view.clientHeight;
    if (!width || !height || this.root.hidden) return;  // in a closed <details>: drawn on opening
    this.root.dataset.zoomLevel = String(this.zoom);
    var count = Math.pow(2, this.zoom), left = this.center.x - width / 2, top = this.center.y - height / 2;
    var wanted = {};
    for (var ty = Math.floor(top / TILE); ty <= Math.floor((top + height) / TILE); ty++) {
      if (ty < 0 || ty >= count) continue;
      for (var tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx++) {
        var x = ((tx % count) + count) % count;
        var url = this.template.replace("{z}", this.zoom).replace("{x}", x).replace("{y}", ty).replace("{s}", "a");
        wanted[tx + "/" + ty] = { url: url, left: tx * TILE - left, top: ty * TILE - top };
      }
    }
    var self = this, kept = {};
    Array.prototype.slice.call(this.tiles.children).forEach(function (img) {
      var spot = wanted[img.dataset.key];
      if (spot && img.dataset.url === spot.url) { kept[img.dataset.key] = img; }
      else { img.remove(); }
    });
    Object.keys(wanted).forEach(function (key) {
      var spot = wanted[key], img = kept[key];
      if (!img) {
        img = document.createElement("img");
        img.alt = "";
        img.className = "map-tile";
        img.dataset.key = key;
        img.dataset.url = spot.url;
        img.addEventListener("error", function () { self.unreachable(); });
        img.src = spot.url;
        self.tiles.appendChild(img);
      }
      img.style.left = spot.left + "px";
      img.style.top = spot.top + "px";
    });
    this.placePin();
  };

  SlippyMap.prototype.placePin = function () {
    var where = this.point();
    this.pin.hidden = !where;
    if (!where) return;
    var at = toPixel(where.lat, where.lon, this.zoom);
    this.pin.style.left = (at.x - this.center.x + this.view.clientWidth / 2) + "px";
    this.pin.style.top = (at.y - this.center.y + this.view.clientHeight / 2) + "px";
  };

  SlippyMap.prototype.unreachable = function () {
    this.root.hidden = true;
    this.root.dataset.state = "unreachable";
    this.tiles.textContent = "";  // ask nothing more of a server that does not answer
    this.draw = function () {};
  };

  document.querySelectorAll("[data-map]").forEach(function (root) { new SlippyMap(root); });
})();
