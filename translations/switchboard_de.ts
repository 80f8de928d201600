<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>ChannelField</name>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Channel (empty: default space)</source>
        <translation>Kanal (leer: Standardbereich)</translation>
    </message>
    <message>
        <source>Pick a channel</source>
        <translation>Kanal wählen</translation>
    </message>
</context>
<context>
    <name>ChannelsPage</name>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Deleted %1</source>
        <translation>%1 gelöscht</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>Channel %1</source>
        <translation>Kanal %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Channel name</source>
        <translation>Kanalname</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Channel type</source>
        <translation>Kanaltyp</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Max message size (bytes, 0: hub limit)</source>
        <translation>Maximale Nachrichtengröße (Bytes, 0: Grenze des Hubs)</translation>
    </message>
    <message>
        <source>Max message size</source>
        <translation>Maximale Nachrichtengröße</translation>
    </message>
    <message>
        <source>TTL (ms, 0: none)</source>
        <translation>Lebensdauer (ms, 0: keine)</translation>
    </message>
    <message>
        <source>Time to live</source>
        <translation>Lebensdauer</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Anlegen</translation>
    </message>
    <message>
        <source>Update</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Connect to a hub</source>
        <translation>Mit einem Hub verbinden</translation>
    </message>
    <message>
        <source>Address: local:&lt;socket&gt; or tls://host:port</source>
        <translation>Adresse: local:&lt;Socket&gt; oder tls://Host:Port</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>Hub-Adresse</translation>
    </message>
    <message>
        <source>Token (needed over TLS)</source>
        <translation>Token (über TLS erforderlich)</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>CA certificate file (for a self-signed hub)</source>
        <translation>CA-Zertifikatsdatei (für einen selbst signierten Hub)</translation>
    </message>
    <message>
        <source>CA certificate file</source>
        <translation>CA-Zertifikatsdatei</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>Use an embedded hub</source>
        <translation>Eingebetteten Hub verwenden</translation>
    </message>
    <message>
        <source>Save the token in the system keychain</source>
        <translation>Token im Schlüsselbund des Systems speichern</translation>
    </message>
    <message>
        <source>Forget this hub</source>
        <translation>Diesen Hub vergessen</translation>
    </message>
    <message>
        <source>The token was not saved</source>
        <translation>Das Token wurde nicht gespeichert</translation>
    </message>
    <message>
        <source>Stay connected without saving it</source>
        <translation>Verbunden bleiben, ohne es zu speichern</translation>
    </message>
    <message>
        <source>Disconnect</source>
        <translation>Trennen</translation>
    </message>
</context>
<context>
    <name>ConnectionsPage</name>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>Id</translation>
    </message>
    <message>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>Peer</source>
        <translation>Gegenstelle</translation>
    </message>
    <message>
        <source>Identity</source>
        <translation>Identität</translation>
    </message>
    <message>
        <source>Subs</source>
        <translation>Abos</translation>
    </message>
    <message>
        <source>In/s</source>
        <translation>Ein/s</translation>
    </message>
    <message>
        <source>Out/s</source>
        <translation>Aus/s</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>Sort by %1</source>
        <translation>Nach %1 sortieren</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Close connection %1</source>
        <translation>Verbindung %1 schließen</translation>
    </message>
    <message>
        <source>closed from the console</source>
        <translation>von der Konsole geschlossen</translation>
    </message>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n Verbindung</numerusform>
            <numerusform>%n Verbindungen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DeadLettersPage</name>
    <message>
        <source>Dead letters</source>
        <translation>Unzustellbare Nachrichten</translation>
    </message>
    <message numerus="yes">
        <source>Requeued: %n delivery(ies)</source>
        <translation>
            <numerusform>Erneut eingereiht: %n Zustellung</numerusform>
            <numerusform>Erneut eingereiht: %n Zustellungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Purged %n dead letter(s)</source>
        <translation>
            <numerusform>%n unzustellbare Nachricht gelöscht</numerusform>
            <numerusform>%n unzustellbare Nachrichten gelöscht</numerusform>
        </translation>
    </message>
    <message>
        <source>Dead letter %1, %2</source>
        <translation>Unzustellbare Nachricht %1, %2</translation>
    </message>
    <message>
        <source>Purge selected</source>
        <translation>Auswahl löschen</translation>
    </message>
    <message>
        <source>Purge all</source>
        <translation>Alle löschen</translation>
    </message>
    <message>
        <source>Dead letter details</source>
        <translation>Details der unzustellbaren Nachricht</translation>
    </message>
    <message>
        <source>Requeue to the original destination, optionally with another topic or payload:</source>
        <translation>An das ursprüngliche Ziel erneut einreihen, wahlweise mit anderem Thema oder Inhalt:</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Requeue topic</source>
        <translation>Thema für die erneute Zustellung</translation>
    </message>
    <message>
        <source>Payload (empty: unchanged)</source>
        <translation>Inhalt (leer: unverändert)</translation>
    </message>
    <message>
        <source>Requeue payload</source>
        <translation>Inhalt für die erneute Zustellung</translation>
    </message>
    <message>
        <source>Requeue</source>
        <translation>Erneut einreihen</translation>
    </message>
</context>
<context>
    <name>DurablesPage</name>
    <message>
        <source>Durables</source>
        <translation>Dauerhafte Abos</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Pattern</source>
        <translation>Muster</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>Position</translation>
    </message>
    <message>
        <source>Backlog</source>
        <translation>Rückstand</translation>
    </message>
    <message>
        <source>Waiting for ack</source>
        <translation>Warten auf Bestätigung</translation>
    </message>
    <message>
        <source>Subscribers</source>
        <translation>Abonnenten</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Redelivered</source>
        <translation>Erneut zugestellt</translation>
    </message>
    <message>
        <source>Dead-lettered</source>
        <translation>Unzustellbar</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>%1 or more</source>
        <translation>%1 oder mehr</translation>
    </message>
    <message>
        <source>(all)</source>
        <translation>(alle)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete durable subscription %1</source>
        <translation>Dauerhaftes Abo %1 löschen</translation>
    </message>
    <message numerus="yes">
        <source>%n durable subscription(s), %1 deliveries waiting for an ack</source>
        <translation>
            <numerusform>%n dauerhaftes Abo, %1 Zustellungen warten auf Bestätigung</numerusform>
            <numerusform>%n dauerhafte Abos, %1 Zustellungen warten auf Bestätigung</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Switchboard console</source>
        <translation>Switchboard-Konsole</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>the embedded hub</source>
        <translation>dem eingebetteten Hub</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <source>Not connected: %1 (%2)</source>
        <translation>Nicht verbunden: %1 (%2)</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Connect… (Ctrl+K)</source>
        <translation>Verbinden … (Strg+K)</translation>
    </message>
    <message>
        <source>Light (Ctrl+D)</source>
        <translation>Hell (Strg+D)</translation>
    </message>
    <message>
        <source>Dark (Ctrl+D)</source>
        <translation>Dunkel (Strg+D)</translation>
    </message>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Themen</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Dead letters</source>
        <translation>Unzustellbare Nachrichten</translation>
    </message>
    <message>
        <source>Publish</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>Durables</source>
        <translation>Dauerhafte Abos</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Wiedergabe</translation>
    </message>
</context>
<context>
    <name>MessagesPage</name>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>From: &quot;%1&quot; is not a time (2026-11-30T12:00:00Z or milliseconds since the epoch)</source>
        <translation>Ab: „%1“ ist keine Zeit (2026-11-30T12:00:00Z oder Millisekunden seit der Epoche)</translation>
    </message>
    <message>
        <source>Published again as replay %1</source>
        <translation>Erneut veröffentlicht als Wiedergabe %1</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>Topic pattern, e.g. orders.&gt;</source>
        <translation>Themenmuster, z. B. orders.&gt;</translation>
    </message>
    <message>
        <source>Topic pattern</source>
        <translation>Themenmuster</translation>
    </message>
    <message>
        <source>From (2026-11-30T12:00:00Z)</source>
        <translation>Ab (2026-11-30T12:00:00Z)</translation>
    </message>
    <message>
        <source>Stored from</source>
        <translation>Gespeichert ab</translation>
    </message>
    <message>
        <source>Messages per page</source>
        <translation>Nachrichten pro Seite</translation>
    </message>
    <message>
        <source>Show (Ctrl+Enter)</source>
        <translation>Anzeigen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Previous (PgUp)</source>
        <translation>Zurück (Bild auf)</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Seite %1</translation>
    </message>
    <message>
        <source>Next (PgDown)</source>
        <translation>Weiter (Bild ab)</translation>
    </message>
    <message>
        <source>Stored message %1 on %2</source>
        <translation>Gespeicherte Nachricht %1 zu %2</translation>
    </message>
    <message>
        <source>Nothing stored matches.</source>
        <translation>Nichts Gespeichertes passt.</translation>
    </message>
    <message>
        <source>Pick a channel and press Show.</source>
        <translation>Kanal wählen und Anzeigen drücken.</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatisch</translation>
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
        <translation>#%1 gespeichert %2 · ID %3 · %4 · Header: %5</translation>
    </message>
    <message>
        <source>no content type</source>
        <translation>kein Inhaltstyp</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Nutzdaten</translation>
    </message>
    <message>
        <source>Publish again</source>
        <translation>Erneut veröffentlichen</translation>
    </message>
    <message>
        <source>Replay from here…</source>
        <translation>Ab hier wiedergeben…</translation>
    </message>
</context>
<context>
    <name>OverviewPage</name>
    <message>
        <source>Overview</source>
        <translation>Übersicht</translation>
    </message>
    <message>
        <source>In msg/s</source>
        <translation>Ein Nachr./s</translation>
    </message>
    <message>
        <source>Out msg/s</source>
        <translation>Aus Nachr./s</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>Verbindungen</translation>
    </message>
    <message>
        <source>Topics</source>
        <translation>Themen</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Dead letters</source>
        <translation>Unzustellbare Nachrichten</translation>
    </message>
    <message>
        <source>Throughput over the last minutes (green: in, blue: out)</source>
        <translation>Durchsatz der letzten Minuten (grün: ein, blau: aus)</translation>
    </message>
    <message>
        <source>Throughput chart</source>
        <translation>Durchsatzdiagramm</translation>
    </message>
    <message>
        <source>Hub %1, version %2, %3</source>
        <translation>Hub %1, Version %2, %3</translation>
    </message>
    <message>
        <source>embedded in this console</source>
        <translation>in diese Konsole eingebettet</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Abgewiesen</translation>
    </message>
    <message>
        <source>Buffers</source>
        <translation>Puffer</translation>
    </message>
    <message>
        <source>%1 of %2 MB</source>
        <translation>%1 von %2 MB</translation>
    </message>
    <message>
        <source>Failed logins</source>
        <translation>Fehlgeschlagene Anmeldungen</translation>
    </message>
    <message>
        <source>%1: %2 msg/s in, %3 in total, %4 errors, on %5</source>
        <translation>%1: %2 msg/s herein, %3 insgesamt, %4 Fehler, auf %5</translation>
    </message>
    <message>
        <source>%1: not running</source>
        <translation>%1: läuft nicht</translation>
    </message>
    <message>
        <source>Journal</source>
        <translation>Journal</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>ausgefallen: %1</translation>
    </message>
    <message>
        <source>%1 messages, %2 of %3 MB</source>
        <translation>%1 Nachrichten, %2 von %3 MB</translation>
    </message>
    <message>
        <source>Durable subscriptions</source>
        <translation>Dauerhafte Abonnements</translation>
    </message>
    <message>
        <source>%1 (%2 waiting for an ack)</source>
        <translation>%1 (%2 warten auf Bestätigung)</translation>
    </message>
</context>
<context>
    <name>PayloadFormatter</name>
    <message numerus="yes">
        <source>... %n more byte(s)</source>
        <translation>
            <numerusform>... %n weiteres Byte</numerusform>
            <numerusform>... %n weitere Bytes</numerusform>
        </translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <source>(not JSON)
</source>
        <translation>(kein JSON)
</translation>
    </message>
</context>
<context>
    <name>PublishPage</name>
    <message>
        <source>Publish</source>
        <translation>Senden</translation>
    </message>
    <message numerus="yes">
        <source>Published %1 to %n subscriber(s)</source>
        <translation>
            <numerusform>%1 an %n Abonnenten gesendet</numerusform>
            <numerusform>%1 an %n Abonnenten gesendet</numerusform>
        </translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Thema</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>(default topic space)</source>
        <translation>(Standard-Themenraum)</translation>
    </message>
    <message>
        <source>Content type</source>
        <translation>Inhaltstyp</translation>
    </message>
    <message>
        <source>Request timeout (ms)</source>
        <translation>Zeitlimit der Anfrage (ms)</translation>
    </message>
    <message>
        <source>Request timeout</source>
        <translation>Zeitlimit der Anfrage</translation>
    </message>
    <message>
        <source>Payload</source>
        <translation>Inhalt</translation>
    </message>
    <message>
        <source>Publish (Ctrl+Return)</source>
        <translation>Senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Send as request</source>
        <translation>Als Anfrage senden</translation>
    </message>
    <message>
        <source>Request %1 sent, waiting for the answer</source>
        <translation>Anfrage %1 gesendet, warte auf die Antwort</translation>
    </message>
    <message>
        <source>Answer in %1 ms: %2</source>
        <translation>Antwort nach %1 ms: %2</translation>
    </message>
</context>
<context>
    <name>ReplayPage</name>
    <message>
        <source>Replay</source>
        <translation>Wiedergabe</translation>
    </message>
    <message>
        <source>Channel to replay</source>
        <translation>Wiederzugebender Kanal</translation>
    </message>
    <message>
        <source>Topic pattern, e.g. orders.&gt;</source>
        <translation>Themenmuster, z. B. orders.&gt;</translation>
    </message>
    <message>
        <source>Topic pattern to replay</source>
        <translation>Wiederzugebendes Themenmuster</translation>
    </message>
    <message>
        <source>Show timeline</source>
        <translation>Zeitleiste anzeigen</translation>
    </message>
    <message>
        <source>Zoom to selection</source>
        <translation>Auf Auswahl zoomen</translation>
    </message>
    <message>
        <source>No timeline yet</source>
        <translation>Noch keine Zeitleiste</translation>
    </message>
    <message numerus="yes">
        <source>%n message(s)%1 from %2 to %3, %4 ms a bar</source>
        <translation>
            <numerusform>%n Nachricht%1 von %2 bis %3, %4 ms pro Balken</numerusform>
            <numerusform>%n Nachrichten%1 von %2 bis %3, %4 ms pro Balken</numerusform>
        </translation>
    </message>
    <message>
        <source> (estimated)</source>
        <translation> (geschätzt)</translation>
    </message>
    <message>
        <source>Stored messages over time</source>
        <translation>Gespeicherte Nachrichten über die Zeit</translation>
    </message>
    <message>
        <source>Selected: %1 to %2</source>
        <translation>Ausgewählt: %1 bis %2</translation>
    </message>
    <message>
        <source>Selected: everything stored (drag over the timeline to choose a range)</source>
        <translation>Ausgewählt: alles Gespeicherte (über die Zeitleiste ziehen, um einen Bereich zu wählen)</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>max</source>
        <translation>max</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>Wiedergabegeschwindigkeit</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>The original topics</source>
        <translation>Die ursprünglichen Themen</translation>
    </message>
    <message>
        <source>Remapped topics</source>
        <translation>Umgeschriebene Themen</translation>
    </message>
    <message>
        <source>One subscription</source>
        <translation>Ein Abonnement</translation>
    </message>
    <message>
        <source>Replay target</source>
        <translation>Wiedergabeziel</translation>
    </message>
    <message>
        <source>Remap</source>
        <translation>Umschreiben</translation>
    </message>
    <message>
        <source>Remap from</source>
        <translation>Umschreiben von</translation>
    </message>
    <message>
        <source>Remap to</source>
        <translation>Umschreiben nach</translation>
    </message>
    <message>
        <source>Subscription id</source>
        <translation>Abonnement-ID</translation>
    </message>
    <message>
        <source>Store the replayed messages again</source>
        <translation>Wiedergegebene Nachrichten erneut speichern</translation>
    </message>
    <message>
        <source>Start (Ctrl+Enter)</source>
        <translation>Starten (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Resume (Ctrl+P)</source>
        <translation>Fortsetzen (Strg+P)</translation>
    </message>
    <message>
        <source>Pause (Ctrl+P)</source>
        <translation>Anhalten (Strg+P)</translation>
    </message>
    <message>
        <source>Stop (Ctrl+.)</source>
        <translation>Beenden (Strg+.)</translation>
    </message>
    <message>
        <source>Seek to the selection&apos;s start</source>
        <translation>Zum Anfang der Auswahl springen</translation>
    </message>
    <message>
        <source>No replay yet.</source>
        <translation>Noch keine Wiedergabe.</translation>
    </message>
    <message>
        <source>Timing error: not measured yet (as fast as possible, or no gap replayed)</source>
        <translation>Zeitfehler: noch nicht gemessen (so schnell wie möglich, oder noch kein Abstand wiedergegeben)</translation>
    </message>
    <message>
        <source>Timing error over %1 gap(s): p50 %2 µs, p99 %3 µs, max %4 µs; drift %5 ms</source>
        <translation>Zeitfehler über %1 Abstände: p50 %2 µs, p99 %3 µs, max %4 µs; Drift %5 ms</translation>
    </message>
    <message numerus="yes">
        <source>Replay %1: %2 · %n message(s) sent of about %3 · original time %4</source>
        <translation>
            <numerusform>Wiedergabe %1: %2 · %n Nachricht von etwa %3 gesendet · Originalzeit %4</numerusform>
            <numerusform>Wiedergabe %1: %2 · %n Nachrichten von etwa %3 gesendet · Originalzeit %4</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RequestsPage</name>
    <message>
        <source>Requests</source>
        <translation>Anfragen</translation>
    </message>
    <message>
        <source>answered in %1 ms</source>
        <translation>beantwortet in %1 ms</translation>
    </message>
    <message>
        <source>no answer (timed out)</source>
        <translation>keine Antwort (Zeitlimit)</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>wartet</translation>
    </message>
    <message>
        <source>Request %1, %2</source>
        <translation>Anfrage %1, %2</translation>
    </message>
    <message>
        <source>Requests through this hub, newest first, paired with their answers by correlation id</source>
        <translation>Anfragen über diesen Hub, neueste zuerst, ihren Antworten über die Korrelations-Id zugeordnet</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>von %1</translation>
    </message>
</context>
<context>
    <name>TopicsPage</name>
    <message>
        <source>Topics</source>
        <translation>Themen</translation>
    </message>
    <message>
        <source>Filter: sensor.*.temp, plant.&gt; or any text</source>
        <translation>Filter: sensor.*.temp, plant.&gt; oder beliebiger Text</translation>
    </message>
    <message>
        <source>Topic filter</source>
        <translation>Themenfilter</translation>
    </message>
    <message numerus="yes">
        <source>%n topic(s) match the pattern</source>
        <translation>
            <numerusform>%n Thema passt zum Muster</numerusform>
            <numerusform>%n Themen passen zum Muster</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n topic(s)</source>
        <translation>
            <numerusform>%n Thema</numerusform>
            <numerusform>%n Themen</numerusform>
        </translation>
    </message>
    <message>
        <source>Topic %1</source>
        <translation>Thema %1</translation>
    </message>
    <message>
        <source>Select a topic to see its last message</source>
        <translation>Ein Thema wählen, um seine letzte Nachricht zu sehen</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatisch</translation>
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
        <translation>Darstellung des Inhalts</translation>
    </message>
    <message>
        <source>Last payload</source>
        <translation>Letzter Inhalt</translation>
    </message>
    <message>
        <source>Topics under %1</source>
        <translation>Themen unter %1</translation>
    </message>
    <message numerus="yes">
        <source>%n topic(s) contain the text</source>
        <translation>
            <numerusform>%n Thema enthält den Text</numerusform>
            <numerusform>%n Themen enthalten den Text</numerusform>
        </translation>
    </message>
    <message>
        <source>%1   %2 msg/s</source>
        <translation>%1   %2 Nachr./s</translation>
    </message>
    <message>
        <source>in %1 msg/s, out %2 msg/s, %3 messages</source>
        <translation>ein %1 Nachr./s, aus %2 Nachr./s, %3 Nachrichten</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The Switchboard operator console.</source>
        <translation>Die Bedienkonsole von Switchboard.</translation>
    </message>
    <message>
        <source>Hub address: local:&lt;socket&gt; or tls://host:port (default: a hub embedded in the console).</source>
        <translation>Hub-Adresse: local:&lt;Socket&gt; oder tls://Host:Port (Standard: ein in die Konsole eingebetteter Hub).</translation>
    </message>
    <message>
        <source>File with the hub&apos;s token.</source>
        <translation>Datei mit dem Token des Hubs.</translation>
    </message>
    <message>
        <source>CA certificate for a self-signed hub.</source>
        <translation>CA-Zertifikat für einen selbst signierten Hub.</translation>
    </message>
</context>
<context>
    <name>sb::console</name>
    <message>
        <source>Not connected to a hub.</source>
        <translation>Mit keinem Hub verbunden.</translation>
    </message>
</context>
<context>
    <name>sb::console::ConsoleController</name>
    <message>
        <source>No PEM certificate in %1</source>
        <translation>Kein PEM-Zertifikat in %1</translation>
    </message>
    <message>
        <source>The hub did not answer.</source>
        <translation>Der Hub hat nicht geantwortet.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a stored message&apos;s sequence number.</source>
        <translation>„%1“ ist keine Sequenznummer einer gespeicherten Nachricht.</translation>
    </message>
</context>
<context>
    <name>sb::console::HubBook</name>
    <message>
        <source>No keychain service is running here (common on headless boards), so the token cannot be saved safely. Connect without saving it, or start a Secret Service provider such as gnome-keyring or KWallet. (%1)</source>
        <translation>Hier läuft kein Schlüsselbund-Dienst (üblich auf Boards ohne Bildschirm), daher kann das Token nicht sicher gespeichert werden. Verbinden Sie ohne Speichern, oder starten Sie einen Secret-Service-Anbieter wie gnome-keyring oder KWallet. (%1)</translation>
    </message>
    <message>
        <source>The keychain refused access, so the token was not saved. (%1)</source>
        <translation>Der Schlüsselbund hat den Zugriff verweigert, daher wurde das Token nicht gespeichert. (%1)</translation>
    </message>
    <message>
        <source>The keychain failed: %1</source>
        <translation>Der Schlüsselbund meldet einen Fehler: %1</translation>
    </message>
    <message>
        <source>No token is saved for %1.</source>
        <translation>Für %1 ist kein Token gespeichert.</translation>
    </message>
</context>
<context>
    <name>sb::console::ReplayController</name>
    <message>
        <source>The hub did not answer.</source>
        <translation>Der Hub hat nicht geantwortet.</translation>
    </message>
    <message>
        <source>Not connected to a hub.</source>
        <translation>Mit keinem Hub verbunden.</translation>
    </message>
    <message>
        <source>No replay to %1: start one first.</source>
        <translation>Keine Wiedergabe für „%1“: zuerst eine starten.</translation>
    </message>
</context>
<context>
    <name>sb::console::StoredMessagesModel</name>
    <message>
        <source>Not connected to a hub.</source>
        <translation>Mit keinem Hub verbunden.</translation>
    </message>
    <message>
        <source>The hub did not answer.</source>
        <translation>Der Hub hat nicht geantwortet.</translation>
    </message>
</context>
<context>
    <name>sb::console::TopicTreeProxy</name>
    <message numerus="yes">
        <source>%1  (%n topic(s))</source>
        <translation>
            <numerusform>%1  (%n Thema)</numerusform>
            <numerusform>%1  (%n Themen)</numerusform>
        </translation>
    </message>
</context>
</TS>
