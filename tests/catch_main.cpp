#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

int main(int argc, char* argv[]) {
  // Doubles in assertion expansions with all 17 digits (Catch2's default is
  // 10 fixed decimals, which prints an error of 3e-12 as 0): failure messages
  // and the validation report (tests/validation/make_validation_report.py)
  // show the observed error itself.
  Catch::StringMaker<double>::precision = 17;
  return Catch::Session().run(argc, argv);
}
