package org.marginmax.cli;

import org.marginmax.run.Provenance;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
        return new String[]{"margin-max (commit " + Provenance.gitCommit() + "), DL4J/ND4J " + Provenance.dl4jVersion()
                + ", Java " + System.getProperty("java.version")};
    }
}
