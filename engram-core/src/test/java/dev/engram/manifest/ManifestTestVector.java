package dev.engram.manifest;

/** A manifest engram-rs signed with the key whose seed is 0x42 x 32, and what it must give. */
public final class ManifestTestVector {
  private ManifestTestVector() {}

  /** The signed manifest, in engram-rs's pretty layout. */
  public static final String SIGNED_JSON = """
      {
        "version": "0.4.0",
        "id": "oracle-test",
        "name": "Oracle Test",
        "author": {
          "name": "Oracle"
        },
        "metadata": {
          "version": "1.0.0",
          "created": 1700000000,
          "tags": []
        },
        "capabilities": [],
        "files": [
          {
            "path": "a.txt",
            "sha256": "8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8",
            "size": 5,
            "mime_type": "text/plain"
          },
          {
            "path": "b.bin",
            "sha256": "f44e64e75f3948e9f73f8dfa94721c4ce8cbb4f265c4790c702b2d41cfbf2753",
            "size": 4
          }
        ],
        "signatures": [
          {
            "algorithm": "ed25519",
            "public_key": "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12",
            "signature": "d25debf5c8729c5a996a6aca77176443077b513067c9899ac66b2daf7e5dd5fa90d49ec749eb14858eee66163dd22764d72c8d30298736c8fe44898d73cb0d00",
            "timestamp": 1700000000
          }
        ]
      }""";
  public static final String CANONICAL = "{\"version\":\"0.4.0\",\"id\":\"oracle-test\",\"name\":\"Oracle"
      + " Test\",\"author\":{\"name\":\"Oracle\"},\"metadata\":{\"version\":\"1.0.0\",\"created\":"
      + "1700000000,\"tags\":[]},\"capabilities\":[],\"files\":[{\"path\":\"a.txt\",\"sha256\":"
      + "\"8ed3f6ad685b959ead7022518e1af76cd816f8e8ec7ccdda1ed4018e8f2223f8\",\"size\":5,"
      + "\"mime_type\":\"text/plain\"},{\"path\":\"b.bin\",\"sha256\":\"f44e64e75f3948e9f73f8dfa9472"
      + "1c4ce8cbb4f265c4790c702b2d41cfbf2753\",\"size\":4}],\"signatures\":[]}";
  public static final String CANONICAL_SHA256 =
      "0bb1affe2e8c5d3f36c2f06b3a0607f4c94aa5cd43f737b34ad1d7ad9528b6d3";
  public static final String PUBLIC_KEY =
      "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12";
  public static final String SIGNATURE = "d25debf5c8729c5a996a6aca77176443077b513067c9899ac66b2daf7e5dd5fa"
      + "90d49ec749eb14858eee66163dd22764d72c8d30298736c8fe44898d73cb0d00";

}
