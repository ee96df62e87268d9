#include "kube/rfc3339.h"

#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace kube {

std::optional<std::chrono::system_clock::time_point> ParseRfc3339(std::string_view s) {
  std::tm tm{};
  int consumed = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  size_t i = consumed;
  if (i < str.size() && str[i] == '.') {
    ++i;
    while (i < str.size() && isdigit((unsigned char)str[i])) ++i;
  }
  long offset = 0;
  if (i < str.size() && (str[i] == 'Z' || str[i] == 'z')) {
    ++i;
  } else if (i < str.size() && (str[i] == '+' || str[i] == '-')) {
    int hh = 0, mm = 0;
    if (std::sscanf(str.c_str() + i + 1, "%2d:%2d", &hh, &mm) != 2) return std::nullopt;
    offset = (hh * 3600L + mm * 60L) * (str[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != str.size()) return std::nullopt;
  // The calendar arithmetic of timegm (which Windows lacks); a day that does
  // not exist (February 30) is refused, as Go's time.Parse refuses it.
  using namespace std::chrono;
  year_month_day date{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                      day{static_cast<unsigned>(tm.tm_mday)}};
  if (!date.ok() || tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  return time_point_cast<system_clock::duration>(sys_days{date} + hours{tm.tm_hour} + minutes{tm.tm_min} +
                                                 seconds{tm.tm_sec} - seconds{offset});
}

}  // namespace kube
