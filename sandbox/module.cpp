#include "sandbox/module.hpp"
