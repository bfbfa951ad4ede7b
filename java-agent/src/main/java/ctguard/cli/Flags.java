package ctguard.cli;

import ctguard.core.Option;

import java.util.Arrays;
import java.util.Optional;

/**
 * The command line's names for core's options: {@code Option.MEMORY_BUDGET} is {@code --memory-budget}. Core's
 * messages refer to options by placeholder; this is where the command line spells them (docs/architecture.md,
 * "Messages"). A test checks that each one names a flag some command has.
 */
final class Flags {
    private Flags() {
    }

    static String of(Option option) {
        return "--" + option.key().replace('_', '-');
    }

    static Optional<Option> option(String flag) {
        return Arrays.stream(Option.values()).filter(o -> of(o).equals(flag)).findFirst();
    }

    /** A message from core as the command line says it. */
    static String render(String template) {
        return Option.render(template, Flags::of);
    }
}
