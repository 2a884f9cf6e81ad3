// Private pieces of the HTML report shared by its source files.
#pragma once

#include <string>
#include <vector>

namespace twinsim::trial::detail {

const char* html_charts_js();  // html_charts_js.cpp

// Linear-interpolation quantile (R type 7) of sorted values; NaN when empty.
double sorted_quantile(const std::vector<double>& sorted, double p);

}  // namespace twinsim::trial::detail
