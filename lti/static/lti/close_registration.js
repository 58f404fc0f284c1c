// LTI Dynamic Registration 1.0: tell the LMS that opened Fuente's registration page (as a
// frame or a window) that registration is over, so it closes its dialog.
(function () {
  "use strict";
  var button = document.getElementById("close-registration");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    var lms = window.opener || window.parent;
    if (lms && lms !== window) {
      lms.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
    }
  });
})();
