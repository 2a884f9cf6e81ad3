// Exposure per arm (results/exposure_oc.hpp) in the report and comparison
// formats; internal to oc_format.cpp.
#pragma once

#include <string>
#include <vector>

#include "twinsim/trial/results/oc_report.hpp"

namespace twinsim::trial {

// Table/markdown rows (rows[0] the header), or none when the design has no exposure.
std::vector<std::vector<std::string>> exposure_rows(const DesignOc& d);
// "metric (unit)" as the report titles it.
std::string exposure_title(std::size_t metric);
// Report csv rows <column>_mean and <column>_geomean per dose (dose_index
// empty: all doses); lead: "design,type,target,".
void exposure_csv(const DesignOc& d, const std::string& lead, std::string& out);
// ", \"exposure\": [...]" for a design's json object.
std::string exposure_json(const DesignOc& d);

// One line per metric for a comparison's differences (text).
std::vector<std::string> exposure_difference_lines(const DesignDifference& d);
// Comparison csv rows: <column>_mean (difference = mean difference) and
// <column>_gmr (value = the ratio, se its SE); lead: "design,reference,".
void exposure_difference_csv(const DesignOc& d, const DesignDifference* diff, const std::string& lead,
                             std::string& out);
// ", \"exposure\": [...]" for a difference's json object.
std::string exposure_difference_json(const DesignDifference& d);

}  // namespace twinsim::trial
