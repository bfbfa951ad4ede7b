package ctguard.core.top;

import java.util.List;

/** The entry lists top reads: this node's namespaces, or a saved copy (docs/architecture.md, "ctguard top"). */
public interface ConntrackTables {
    /** Which namespaces: this one, every one, or one by name. */
    sealed interface Selection permits This, All, Named {
    }

    record This() implements Selection {
    }

    record All() implements Selection {
    }

    record Named(String name) implements Selection {
    }

    /** One table: its label (a namespace, or the input's name) and the way to stream its lines. */
    interface Table {
        String label();

        /** Streams the whole list into sink; a table that cannot be read throws CtguardException. */
        void read(ByteSink sink);
    }

    /** @throws ctguard.core.CtguardException when the selection names nothing readable */
    List<Table> select(Selection selection);
}
