#include "actors/runtime_config.hpp"
