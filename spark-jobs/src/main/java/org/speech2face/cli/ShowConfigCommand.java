package org.speech2face.cli;

import com.typesafe.config.ConfigFactory;
import org.speech2face.config.ConfigLoader;
import org.speech2face.config.ConfigReference;
import org.speech2face.config.S2fConfig;

import java.io.PrintStream;

/**
 * {@code s2f show-config}: the effective configuration after --conf and --set, validated. With {@code --reference},
 * the reference of every key instead (type, bounds, defaults, meaning), the text of {@code docs/configuration.md}.
 */
final class ShowConfigCommand implements Command {
    @Override
    public String summary() {
        return "print the effective, validated configuration (--reference: every key, its bounds and defaults)";
    }

    @Override
    public int run(CliArgs args, S2fConfig config, PrintStream out) {
        if (args.flags().contains("reference")) {
            out.print(ConfigReference.markdown(ConfigFactory.parseResources(ShowConfigCommand.class.getClassLoader(),
                    ConfigLoader.EMBEDDED_DEFAULT)));
        } else {
            out.println(config.rendered());
        }
        return 0;
    }
}
