/** Uses engram's public API as a user would, from the module path or the class path. */
module dev.engram.samples.consumer {
  requires dev.engram;
}
