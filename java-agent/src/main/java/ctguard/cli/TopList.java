package ctguard.cli;

/** The lists of ctguard top that --by chooses between, by the key the JSON names them with. */
enum TopList {
    L3("l3"), L4PROTO("l4proto"), STATE("state"), FLAG("flag"), DPORT("dport"), SRC("src"), DST("dst"), ZONE("zone"),
    MARK("mark"), NETNS("netns");

    final String key;

    TopList(String key) {
        this.key = key;
    }
}
