<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ChannelField</name>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Channel (empty: default space)</source>
        <translation>Channel (empty: default space)</translation>
    </message>
    <message>
        <source>Pick a channel</source>
        <translation>Pick a channel</translation>
    </message>
</context>
<context>
    <name>ChannelsPage</name>
    <message>
        <source>Channels</source>
        <translation>Channels</translation>
    </message>
    <message>
        <source>Deleted %1</source>
        <translation>Deleted %1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>Saved %1</translation>
    </message>
    <message>
        <source>Channel %1</source>
        <translation>Channel %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Channel name</source>
        <translation>Channel name</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Channel type</source>
        <translation>Channel type</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>Max message size (bytes, 0: hub limit)</source>
        <translation>Max message size (bytes, 0: hub limit)</translation>
    </message>
    <message>
        <source>Max message size</source>
        <translation>Max message size</translation>
    </message>
    <message>
        <source>TTL (ms, 0: none)</source>
        <translation>TTL (ms, 0: none)</translation>
    </message>
    <message>
        <source>Time to live</source>
        <translation>Time to live</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Create</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Update</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a hub</source>
        <translation>Connect to a hub</translation>
    </message>
    <message>
        <source>Address: local:&lt;socket&gt; or tls://host:port</source>
        <translation>Address: local:&lt;socket&gt; or tls://host:port</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>Hub address</translation>
    </message>
    <message>
        <source>Token (needed over TLS)</source>
        <translation>Token (needed over TLS)</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>CA certificate file (for a self-signed hub)</source>
        <translation>CA certificate file (for a self-signed hub)</translation>
    </message>
    <message>
        <source>CA certificate file</source>
        <translation>CA certificate file</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Connect</translation>
    </message>
    <message>
        <source>Use an embedded hub</source>
        <translation>Use an embedded hub</translation>
    </message>
    <message>
        <source>Save the token in the system keychain</source>
        <translation>Save the token in the system keychain</translation>
    </message>
    <message>
        <source>Forget this hub</source>
        <translation>Forget this hub</translation>
    </message>
    <message>
        <source>The token was not saved</source>
        <translation>The token was not saved</translation>
    </message>
    <message>
        <source>Stay connected without saving it</source>
        <translation>Stay connected without saving it</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Disconnect</translation>
    </message>
</context>
<context>
    <name>ConnectionsPage</name>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protocol</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Peer</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identity</translation>
    </message>
    <message>
        <source>Subs</source>
        <translation>Subs</translation>
    </message>
    <message>
        <source>In/s</source>
        <translation>In/s</translation>
    </message>
    <message>
        <source>Out/s</source>
        <translation>Out/s</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadata</translation>
    </message>
    <message>
        <source>Sort by %1</source>
        <translation>Sort by %1</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>Close connection %1</source>
        <translation>Close connection %1</translation>
    </message>
    <message>
        <source>closed from the console</source>
        <translation>closed from the console</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n connection</numerusform>
            <numerusform>%n connections</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeadLettersPage</name>
    <message>
        <source>Dead letters</source>
        <translation>Dead letters</translation>
    </message>
    <message numerus="yes">
        <source>Requeued: %n delivery(ies)</source>
        <translation>
            <numerusform>Requeued: %n deliveryy</numerusform>
            <numerusform>Requeued: %n deliveryies</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Purged %n dead letter(s)</source>
        <translation>
            <numerusform>Purged %n dead letter</numerusform>
            <numerusform>Purged %n dead letters</numerusform>
        </translation>
    </message>
    <message>
        <source>Dead letter %1, %2</source>
        <translation>Dead letter %1, %2</translation>
    </message>
    <message>
        <source>Purge selected</source>
        <translation>Purge selected</translation>
    </message>
    <message>
        <source>Purge all</source>
        <translation>Purge all</translation>
    </message>
    <message>
        <source>Dead letter details</source>
        <translation>Dead letter details</translation>
    </message>
    <message>
        <source>Requeue to the original destination, optionally with another topic or payload:</source>
        <translation>Requeue to the original destination, optionally with another topic or payload:</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>Requeue topic</source>
        <translation>Requeue topic</translation>
    </message>
    <message>
        <source>Payload (empty: unchanged)</source>
        <translation>Payload (empty: unchanged)</translation>
    </message>
    <message>
        <source>Requeue payload</source>
        <translation>Requeue payload</translation>
    </message>
    <message>
        <source>Requeue</source>
        <translation>Requeue</translation>
    </message>
</context>
<context>
    <name>DurablesPage</name>
    <message>
        <source>Durables</source>
        <translation>Durables</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Pattern</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Backlog</translation>
    </message>
    <message>
        <source>Waiting for ack</source>
        <translation>Waiting for ack</translation>
    </message>
    <message>
        <source>Subscribers</source>
        <translation>Subscribers</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Delivered</translation>
    </message>
    <message>
        <source>Redelivered</source>
        <translation>Redelivered</translation>
    </message>
    <message>
        <source>Dead-lettered</source>
        <translation>Dead-lettered</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>%1 or more</source>
        <translation>%1 or more</translation>
    </message>
    <message>
        <source>(all)</source>
        <translation>(all)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <source>Delete durable subscription %1</source>
        <translation>Delete durable subscription %1</translation>
    </message>
    <message numerus="yes">
        <source>%n durable subscription(s), %1 deliveries waiting for an ack</source>
        <translation>
            <numerusform>%n durable subscription, %1 deliveries waiting for an ack</numerusform>
            <numerusform>%n durable subscriptions, %1 deliveries waiting for an ack</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Switchboard console</source>
        <translation>Switchboard console</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Connected to %1</translation>
    </message>
    <message>
        <source>the embedded hub</source>
        <translation>the embedded hub</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Connecting to %1…</translation>
    </message>
    <message>
        <source>Not connected: %1 (%2)</source>
        <translation>Not connected: %1 (%2)</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Not connected</translation>
    </message>
    <message>
        <source>Connect… (Ctrl+K)</source>
        <translation>Connect… (Ctrl+K)</translation>
    </message>
    <message>
        <source>Light (Ctrl+D)</source>
        <translation>Light (Ctrl+D)</translation>
    </message>
    <message>
        <source>Dark (Ctrl+D)</source>
        <translation>Dark (Ctrl+D)</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Channels</translation>
    </message>
    <message>
        <source>Dead letters</source>
        <translation>Dead letters</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Publish</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Requests</translation>
    </message>
    <message>
        <source>Durables</source>
        <translation>Durables</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Replay</translation>
    </message>
</context>
<context>
    <name>MessagesPage</name>
    <message>
        <source>Messages</source>
        <translation>Messages</translation>
    </message>
    <message>
        <source>From: &quot;%1&quot; is not a time (2026-11-30T12:00:00Z or milliseconds since the epoch)</source>
        <translation>From: &quot;%1&quot; is not a time (2026-11-30T12:00:00Z or milliseconds since the epoch)</translation>
    </message>
    <message>
        <source>Published again as replay %1</source>
        <translation>Published again as replay %1</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>Topic pattern, e.g. orders.&gt;</source>
        <translation>Topic pattern, e.g. orders.&gt;</translation>
    </message>
    <message>
        <source>Topic pattern</source>
        <translation>Topic pattern</translation>
    </message>
    <message>
        <source>From (2026-11-30T12:00:00Z)</source>
        <translation>From (2026-11-30T12:00:00Z)</translation>
    </message>
    <message>
        <source>Stored from</source>
        <translation>Stored from</translation>
    </message>
    <message>
        <source>Messages per page</source>
        <translation>Messages per page</translation>
    </message>
    <message>
        <source>Show (Ctrl+Enter)</source>
        <translation>Show (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Previous (PgUp)</source>
        <translation>Previous (PgUp)</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Page %1</translation>
    </message>
    <message>
        <source>Next (PgDown)</source>
        <translation>Next (PgDown)</translation>
    </message>
    <message>
        <source>Stored message %1 on %2</source>
        <translation>Stored message %1 on %2</translation>
    </message>
    <message>
        <source>Nothing stored matches.</source>
        <translation>Nothing stored matches.</translation>
    </message>
    <message>
        <source>Pick a channel and press Show.</source>
        <translation>Pick a channel and press Show.</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>Hex</translation>
    </message>
    <message>
        <source>#%1 stored %2 · id %3 · %4 · headers: %5</source>
        <translation>#%1 stored %2 · id %3 · %4 · headers: %5</translation>
    </message>
    <message>
        <source>no content type</source>
        <translation>no content type</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
    <message>
        <source>Publish again</source>
        <translation>Publish again</translation>
    </message>
    <message>
        <source>Replay from here…</source>
        <translation>Replay from here…</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Overview</source>
        <translation>Overview</translation>
    </message>
    <message>
        <source>In msg/s</source>
        <translation>In msg/s</translation>
    </message>
    <message>
        <source>Out msg/s</source>
        <translation>Out msg/s</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Connections</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Errors</translation>
    </message>
    <message>
        <source>Dead letters</source>
        <translation>Dead letters</translation>
    </message>
    <message>
        <source>Throughput over the last minutes (green: in, blue: out)</source>
        <translation>Throughput over the last minutes (green: in, blue: out)</translation>
    </message>
    <message>
        <source>Throughput chart</source>
        <translation>Throughput chart</translation>
    </message>
    <message>
        <source>Hub %1, version %2, %3</source>
        <translation>Hub %1, version %2, %3</translation>
    </message>
    <message>
        <source>embedded in this console</source>
        <translation>embedded in this console</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Refused</translation>
    </message>
    <message>
        <source>Buffers</source>
        <translation>Buffers</translation>
    </message>
    <message>
        <source>%1 of %2 MB</source>
        <translation>%1 of %2 MB</translation>
    </message>
    <message>
        <source>Failed logins</source>
        <translation>Failed logins</translation>
    </message>
    <message>
        <source>%1: %2 msg/s in, %3 in total, %4 errors, on %5</source>
        <translation>%1: %2 msg/s in, %3 in total, %4 errors, on %5</translation>
    </message>
    <message>
        <source>%1: not running</source>
        <translation>%1: not running</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>failed: %1</translation>
    </message>
    <message>
        <source>%1 messages, %2 of %3 MB</source>
        <translation>%1 messages, %2 of %3 MB</translation>
    </message>
    <message>
        <source>Durable subscriptions</source>
        <translation>Durable subscriptions</translation>
    </message>
    <message>
        <source>%1 (%2 waiting for an ack)</source>
        <translation>%1 (%2 waiting for an ack)</translation>
    </message>
</context>
<context>
    <name>PayloadFormatter</name>
    <message numerus="yes">
        <source>... %n more byte(s)</source>
        <translation>
            <numerusform>... %n more byte</numerusform>
            <numerusform>... %n more bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>(not JSON)
</source>
        <translation>(not JSON)
</translation>
    </message>
</context>
<context>
    <name>PublishPage</name>
    <message>
        <source>Publish</source>
        <translation>Publish</translation>
    </message>
    <message numerus="yes">
        <source>Published %1 to %n subscriber(s)</source>
        <translation>
            <numerusform>Published %1 to %n subscriber</numerusform>
            <numerusform>Published %1 to %n subscribers</numerusform>
        </translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Topic</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Channel</translation>
    </message>
    <message>
        <source>(default topic space)</source>
        <translation>(default topic space)</translation>
    </message>
    <message>
        <source>Content type</source>
        <translation>Content type</translation>
    </message>
    <message>
        <source>Request timeout (ms)</source>
        <translation>Request timeout (ms)</translation>
    </message>
    <message>
        <source>Request timeout</source>
        <translation>Request timeout</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Payload</translation>
    </message>
    <message>
        <source>Publish (Ctrl+Return)</source>
        <translation>Publish (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Send as request</source>
        <translation>Send as request</translation>
    </message>
    <message>
        <source>Request %1 sent, waiting for the answer</source>
        <translation>Request %1 sent, waiting for the answer</translation>
    </message>
    <message>
        <source>Answer in %1 ms: %2</source>
        <translation>Answer in %1 ms: %2</translation>
    </message>
</context>
<context>
    <name>ReplayPage</name>
    <message>
        <source>Replay</source>
        <translation>Replay</translation>
    </message>
    <message>
        <source>Channel to replay</source>
        <translation>Channel to replay</translation>
    </message>
    <message>
        <source>Topic pattern, e.g. orders.&gt;</source>
        <translation>Topic pattern, e.g. orders.&gt;</translation>
    </message>
    <message>
        <source>Topic pattern to replay</source>
        <translation>Topic pattern to replay</translation>
    </message>
    <message>
        <source>Show timeline</source>
        <translation>Show timeline</translation>
    </message>
    <message>
        <source>Zoom to selection</source>
        <translation>Zoom to selection</translation>
    </message>
    <message>
        <source>No timeline yet</source>
        <translation>No timeline yet</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)%1 from %2 to %3, %4 ms a bar</source>
        <translation>
            <numerusform>%n message%1 from %2 to %3, %4 ms a bar</numerusform>
            <numerusform>%n messages%1 from %2 to %3, %4 ms a bar</numerusform>
        </translation>
    </message>
    <message>
        <source> (estimated)</source>
        <translation> (estimated)</translation>
    </message>
    <message>
        <source>Stored messages over time</source>
        <translation>Stored messages over time</translation>
    </message>
    <message>
        <source>Selected: %1 to %2</source>
        <translation>Selected: %1 to %2</translation>
    </message>
    <message>
        <source>Selected: everything stored (drag over the timeline to choose a range)</source>
        <translation>Selected: everything stored (drag over the timeline to choose a range)</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Speed</translation>
    </message>
    <message>
        <source>max</source>
        <translation>max</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>Replay speed</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Target</translation>
    </message>
    <message>
        <source>The original topics</source>
        <translation>The original topics</translation>
    </message>
    <message>
        <source>Remapped topics</source>
        <translation>Remapped topics</translation>
    </message>
    <message>
        <source>One subscription</source>
        <translation>One subscription</translation>
    </message>
    <message>
        <source>Replay target</source>
        <translation>Replay target</translation>
    </message>
    <message>
        <source>Remap</source>
        <translation>Remap</translation>
    </message>
    <message>
        <source>Remap from</source>
        <translation>Remap from</translation>
    </message>
    <message>
        <source>Remap to</source>
        <translation>Remap to</translation>
    </message>
    <message>
        <source>Subscription id</source>
        <translation>Subscription id</translation>
    </message>
    <message>
        <source>Store the replayed messages again</source>
        <translation>Store the replayed messages again</translation>
    </message>
    <message>
        <source>Start (Ctrl+Enter)</source>
        <translation>Start (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>Resume (Ctrl+P)</source>
        <translation>Resume (Ctrl+P)</translation>
    </message>
    <message>
        <source>Pause (Ctrl+P)</source>
        <translation>Pause (Ctrl+P)</translation>
    </message>
    <message>
        <source>Stop (Ctrl+.)</source>
        <translation>Stop (Ctrl+.)</translation>
    </message>
    <message>
        <source>Seek to the selection&apos;s start</source>
        <translation>Seek to the selection&apos;s start</translation>
    </message>
    <message>
        <source>No replay yet.</source>
        <translation>No replay yet.</translation>
    </message>
    <message>
        <source>Timing error: not measured yet (as fast as possible, or no gap replayed)</source>
        <translation>Timing error: not measured yet (as fast as possible, or no gap replayed)</translation>
    </message>
    <message>
        <source>Timing error over %1 gap(s): p50 %2 µs, p99 %3 µs, max %4 µs; drift %5 ms</source>
        <translation>Timing error over %1 gap(s): p50 %2 µs, p99 %3 µs, max %4 µs; drift %5 ms</translation>
    </message>
    <message numerus="yes">
        <source>Replay %1: %2 · %n message(s) sent of about %3 · original time %4</source>
        <translation>
            <numerusform>Replay %1: %2 · %n message sent of about %3 · original time %4</numerusform>
            <numerusform>Replay %1: %2 · %n messages sent of about %3 · original time %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RequestsPage</name>
    <message>
        <source>Requests</source>
        <translation>Requests</translation>
    </message>
    <message>
        <source>answered in %1 ms</source>
        <translation>answered in %1 ms</translation>
    </message>
    <message>
        <source>no answer (timed out)</source>
        <translation>no answer (timed out)</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>waiting</translation>
    </message>
    <message>
        <source>Request %1, %2</source>
        <translation>Request %1, %2</translation>
    </message>
    <message>
        <source>Requests through this hub, newest first, paired with their answers by correlation id</source>
        <translation>Requests through this hub, newest first, paired with their answers by correlation id</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>from %1</translation>
    </message>
</context>
<context>
    <name>TopicsPage</name>
    <message>
        <source>Topics</source>
        <translation>Topics</translation>
    </message>
    <message>
        <source>Filter: sensor.*.temp, plant.&gt; or any text</source>
        <translation>Filter: sensor.*.temp, plant.&gt; or any text</translation>
    </message>
    <message>
        <source>Topic filter</source>
        <translation>Topic filter</translation>
    </message>
    <message numerus="yes">
        <source>%n topic(s) match the pattern</source>
        <translation>
            <numerusform>%n topic match the pattern</numerusform>
            <numerusform>%n topics match the pattern</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n topic(s)</source>
        <translation>
            <numerusform>%n topic</numerusform>
            <numerusform>%n topics</numerusform>
        </translation>
    </message>
    <message>
        <source>Topic %1</source>
        <translation>Topic %1</translation>
    </message>
    <message>
        <source>Select a topic to see its last message</source>
        <translation>Select a topic to see its last message</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Auto</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>Hex</source>
        <translation>Hex</translation>
    </message>
    <message>
        <source>Payload format</source>
        <translation>Payload format</translation>
    </message>
    <message>
        <source>Last payload</source>
        <translation>Last payload</translation>
    </message>
    <message>
        <source>Topics under %1</source>
        <translation>Topics under %1</translation>
    </message>
    <message numerus="yes">
        <source>%n topic(s) contain the text</source>
        <translation>
            <numerusform>%n topic contains the text</numerusform>
            <numerusform>%n topics contain the text</numerusform>
        </translation>
    </message>
    <message>
        <source>%1   %2 msg/s</source>
        <translation>%1   %2 msg/s</translation>
    </message>
    <message>
        <source>in %1 msg/s, out %2 msg/s, %3 messages</source>
        <translation>in %1 msg/s, out %2 msg/s, %3 messages</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The Switchboard operator console.</source>
        <translation>The Switchboard operator console.</translation>
    </message>
    <message>
        <source>Hub address: local:&lt;socket&gt; or tls://host:port (default: a hub embedded in the console).</source>
        <translation>Hub address: local:&lt;socket&gt; or tls://host:port (default: a hub embedded in the console).</translation>
    </message>
    <message>
        <source>File with the hub&apos;s token.</source>
        <translation>File with the hub&apos;s token.</translation>
    </message>
    <message>
        <source>CA certificate for a self-signed hub.</source>
        <translation>CA certificate for a self-signed hub.</translation>
    </message>
</context>
<context>
    <name>sb::console</name>
    <message>
        <source>Not connected to a hub.</source>
        <translation>Not connected to a hub.</translation>
    </message>
</context>
<context>
    <name>sb::console::ConsoleController</name>
    <message>
        <source>No PEM certificate in %1</source>
        <translation>No PEM certificate in %1</translation>
    </message>
    <message>
        <source>The hub did not answer.</source>
        <translation>The hub did not answer.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a stored message&apos;s sequence number.</source>
        <translation>&quot;%1&quot; is not a stored message&apos;s sequence number.</translation>
    </message>
</context>
<context>
    <name>sb::console::HubBook</name>
    <message>
        <source>No keychain service is running here (common on headless boards), so the token cannot be saved safely. Connect without saving it, or start a Secret Service provider such as gnome-keyring or KWallet. (%1)</source>
        <translation>No keychain service is running here (common on headless boards), so the token cannot be saved safely. Connect without saving it, or start a Secret Service provider such as gnome-keyring or KWallet. (%1)</translation>
    </message>
    <message>
        <source>The keychain refused access, so the token was not saved. (%1)</source>
        <translation>The keychain refused access, so the token was not saved. (%1)</translation>
    </message>
    <message>
        <source>The keychain failed: %1</source>
        <translation>The keychain failed: %1</translation>
    </message>
    <message>
        <source>No token is saved for %1.</source>
        <translation>No token is saved for %1.</translation>
    </message>
</context>
<context>
    <name>sb::console::ReplayController</name>
    <message>
        <source>The hub did not answer.</source>
        <translation>The hub did not answer.</translation>
    </message>
    <message>
        <source>Not connected to a hub.</source>
        <translation>Not connected to a hub.</translation>
    </message>
    <message>
        <source>No replay to %1: start one first.</source>
        <translation>No replay to %1: start one first.</translation>
    </message>
</context>
<context>
    <name>sb::console::StoredMessagesModel</name>
    <message>
        <source>Not connected to a hub.</source>
        <translation>Not connected to a hub.</translation>
    </message>
    <message>
        <source>The hub did not answer.</source>
        <translation>The hub did not answer.</translation>
    </message>
</context>
<context>
    <name>sb::console::TopicTreeProxy</name>
    <message numerus="yes">
        <source>%1  (%n topic(s))</source>
        <translation>
            <numerusform>%1  (%n topic)</numerusform>
            <numerusform>%1  (%n topics)</numerusform>
        </translation>
    </message>
</context>
</TS>
