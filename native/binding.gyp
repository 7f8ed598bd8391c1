{
  "targets": [
    {
      "target_name": "tsdpdk",
      "sources": ["tsdpdk.cc", "socket.cc", "packet.cc", "tap.cc", "mp.cc"],
      "conditions": [
        ["OS=='linux'", {
          # node.h itself trips -Wcast-function-type under gcc 12.
          "cflags_cc": ["-Wall", "-Wno-unused-parameter", "-Wno-cast-function-type"]
        }]
      ]
    }
  ]
}
