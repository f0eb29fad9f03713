package dev.fader.config;

import java.util.List;

/**
 * Who may use the admin port, applied on every reload (so tokens rotate without a restart): {@code adminToken}
 * for control (reload, pause, resume, abort, promote), {@code feedbackToken} for {@code POST /feedback} only
 * (absent: the admin token serves), {@code readToken} for the data routes when set, and {@code hosts}: the
 * Host names the port answers besides IP literals and {@code localhost} (DNS rebinding). Null tokens are absent.
 * The README's "Security" section is the table of what each token allows.
 */
public record AdminAccess(Secret adminToken, Secret feedbackToken, Secret readToken, List<String> hosts) {
    public static final AdminAccess OPEN = new AdminAccess(null, null, null, List.of());

    public AdminAccess {
        hosts = hosts.stream().map(h -> h.toLowerCase(java.util.Locale.ROOT)).toList();
    }
}
