package org.lesionseg.unet.script;

import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/**
 * Groovy and Jython for scijava-common's ScriptService in tests: Fiji ships them as scripting-groovy and
 * scripting-jython, which are not on Maven Central; these adapt the real JSR-223 engines (groovy-jsr223,
 * jython-standalone) so that ScriptService reads the templates' {@code #@} parameters as Fiji does.
 */
final class TestScriptLanguages {

	private TestScriptLanguages() {
	}

	@Plugin(type = ScriptLanguage.class, name = "Groovy")
	public static final class Groovy extends AdaptedScriptLanguage {
		public Groovy() {
			super(new org.codehaus.groovy.jsr223.GroovyScriptEngineFactory());
		}
	}

	@Plugin(type = ScriptLanguage.class, name = "Python (Jython)")
	public static final class Jython extends AdaptedScriptLanguage {
		public Jython() {
			super(new org.python.jsr223.PyScriptEngineFactory());
		}
	}
}
