#include "fhir/module.hpp"
