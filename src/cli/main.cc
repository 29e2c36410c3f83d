#include "cli/app.h"

int main(int argc, char** argv) { return frocket::cli::Run(argc, argv); }
