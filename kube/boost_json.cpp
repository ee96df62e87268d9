// Boost.JSON compiled into kubectl-lm, for the cross builds (scripts/cross),
// which use Boost's headers only: Debian's libboost-json is built for the
// host alone.
#include <boost/json/src.hpp>
