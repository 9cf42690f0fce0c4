// CloudFront Function (cloudfront-js-2.0, viewer request) on the console's
// default behaviour: the console routes in the browser (/clusters/…,
// /invitations/<token>), so every path whose last segment is not a file name
// gets index.html.  /api/* has its own behaviour and never comes here.
function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
