package io.chaosproxy.bench;

/** The two directions of a soak connection, named as the soak reports them. */
enum Flow {
    UP("client->upstream"),
    DOWN("upstream->client");

    private final String label;

    Flow(String label) {
        this.label = label;
    }

    @Override
    public String toString() {
        return label;
    }
}
