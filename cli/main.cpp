#include "cli/app.hpp"

int main(int argc, char** argv) { return healthdoc::cli::run(argc, argv); }
