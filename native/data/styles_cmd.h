// `hw-train styles`: held-out validation lines, one per font or writer, as the page's style presets.
#pragma once

namespace hw {

// argv[1] is "styles"; returns the exit code (0; 2 bad input or an output that cannot be written).
int cmd_styles(int argc, char** argv);

}  // namespace hw
