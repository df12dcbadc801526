#include "push/module.hpp"
