// SPDX-License-Identifier: Apache-2.0
// The corpus replay driver: a main() for the fuzz targets where libFuzzer is not linked (the normal
// gcc build). Feeds every file of the given directories (and any file given directly), in name
// order, to LLVMFuzzerTestOneInput once; a crash or sanitizer report fails the ctest test. Without
// any input it fails too, so a corpus that went missing is noticed.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

namespace {

bool readFile(const std::filesystem::path &path, std::vector<uint8_t> &out)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

} // namespace

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    std::vector<std::filesystem::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path arg(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(arg, ec)) {
            for (const auto &entry : std::filesystem::directory_iterator(arg, ec)) {
                if (entry.is_regular_file())
                    inputs.push_back(entry.path());
            }
        } else if (std::filesystem::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        }
        if (ec) {
            std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str());
            return 2;
        }
    }
    if (inputs.empty()) {
        std::fprintf(stderr, "no inputs found in the given paths\n");
        return 2;
    }
    std::sort(inputs.begin(), inputs.end());
    std::vector<uint8_t> data;
    for (const auto &path : inputs) {
        if (!readFile(path, data)) {
            std::fprintf(stderr, "cannot read %s\n", path.c_str());
            return 2;
        }
        // One line per input first, so the one that crashes is the last line printed.
        std::fprintf(stderr, "replay %s (%zu bytes)\n", path.filename().c_str(), data.size());
        std::fflush(stderr);
        LLVMFuzzerTestOneInput(data.data(), data.size());
    }
    std::printf("replayed %zu inputs\n", inputs.size());
    return 0;
}
