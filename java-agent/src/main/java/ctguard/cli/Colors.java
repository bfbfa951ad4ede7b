package ctguard.cli;

import ctguard.core.Status;

/** ANSI colour on a terminal only, and never when NO_COLOR is set (https://no-color.org). */
record Colors(boolean enabled) {
    static Colors forTerminal() {
        return of(System.console() != null, System.getenv("NO_COLOR"), System.getenv("TERM"));
    }

    static Colors of(boolean terminal, String noColor, String term) {
        return new Colors(terminal && !"dumb".equals(term) && (noColor == null || noColor.isEmpty()));
    }

    String status(Status s) {
        String code = switch (s) {
            case OK -> "32";
            case WARNING -> "33";
            case CRITICAL -> "31";
            case UNKNOWN -> "35";
        };
        return paint(code, s.name());
    }

    String bold(String text) {
        return paint("1", text);
    }

    String dim(String text) {
        return paint("2", text);
    }

    private String paint(String code, String text) {
        return enabled ? "\u001b[" + code + "m" + text + "\u001b[0m" : text;
    }
}
