'use strict';
// verifyBody for autocannon in worker mode: the body must match BENCH_AC_EXPECT (a regexp).
const expect = new RegExp(process.env.BENCH_AC_EXPECT || '.');
module.exports = function verifyBody(body) {
  return expect.test(body);
};
