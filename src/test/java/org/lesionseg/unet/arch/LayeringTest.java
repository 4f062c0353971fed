package org.lesionseg.unet.arch;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.Transparency;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * Which package may use which (issue 8, "layering enforced by a test"), checked on the compiled main classes:
 * <ul>
 * <li>the core ({@code core..}) runs without ImageJ, SciJava or a user interface: no {@code ij}, {@code org.scijava},
 * {@code net.imagej}, {@code javax.swing}; from {@code java.awt} only what draws and encodes images off screen
 * (java.awt.image, java.awt.color, java.awt.geom and the Java2D drawing classes listed in {@link #JAVA_2D}), which
 * ImageFiles needs to read and write PNG/TIFF and core/report needs to draw its figures; no windows, no toolkit;</li>
 * <li>the core does not know the layers above it (ij, workflow, plugins, cli, bench);</li>
 * <li>the ImageJ layer ({@code ij}) does not know workflow, plugins, cli or bench;</li>
 * <li>no product class uses the benchmarks ({@code bench});</li>
 * <li>no package cycles: neither between any two packages nor between the packages of the core.</li>
 * </ul>
 */
class LayeringTest {

	private static final String ROOT = "org.lesionseg.unet";

	/**
	 * The java.awt classes outside java.awt.image/color/geom the core may use, exactly those core/report draws its
	 * figures with (and Transparency, whose constant ImageFiles uses): off-screen drawing, nothing on screen.
	 */
	static final Class<?>[] JAVA_2D = { Graphics.class, Graphics2D.class, Color.class, Font.class, FontMetrics.class, BasicStroke.class, Stroke.class,
		Shape.class, RenderingHints.class, RenderingHints.Key.class, Transparency.class };

	private static JavaClasses main;

	@BeforeAll
	static void importMainClasses() {
		main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
	}

	@Test
	void coreUsesNoImageJScijavaOrSwing() {
		noClasses().that().resideInAPackage(ROOT + ".core..")
			.should().dependOnClassesThat().resideInAnyPackage("ij..", "org.scijava..", "net.imagej..", "javax.swing..")
			.because("the core must run headless, from the command line and from any script, without ImageJ")
			.check(main);
	}

	@Test
	void coreUsesJavaAwtOnlyForOffScreenImages() {
		noClasses().that().resideInAPackage(ROOT + ".core..")
			.should().dependOnClassesThat(resideInAPackage("java.awt..")
				.and(not(resideInAnyPackage("java.awt.image..", "java.awt.color..", "java.awt.geom..")))
				.and(not(belongToAnyOf(JAVA_2D))))
			.because("reading, writing and drawing images off screen is all the core needs; windows belong to the ImageJ layer")
			.check(main);
	}

	@Test
	void coreKnowsNoLayerAboveIt() {
		noClasses().that().resideInAPackage(ROOT + ".core..")
			.should().dependOnClassesThat().resideInAnyPackage(ROOT + ".ij..", ROOT + ".workflow..", ROOT + ".plugins..", ROOT + ".cli..", ROOT + ".bench..")
			.check(main);
	}

	@Test
	void imageJLayerKnowsNoEntryPoint() {
		noClasses().that().resideInAPackage(ROOT + ".ij..")
			.should().dependOnClassesThat().resideInAnyPackage(ROOT + ".workflow..", ROOT + ".plugins..", ROOT + ".cli..", ROOT + ".bench..")
			.check(main);
	}

	@Test
	void productCodeKnowsNoBenchmark() {
		noClasses().that().resideOutsideOfPackage(ROOT + ".bench..")
			.should().dependOnClassesThat().resideInAPackage(ROOT + ".bench..")
			.because("benchmarks are not part of the product (issue 8, item 6)")
			.check(main);
	}

	@Test
	void noPackageCycles() {
		slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(main);
	}

	@Test
	void noCyclesBetweenThePartsOfTheCore() {
		slices().matching(ROOT + ".core.(*)..").should().beFreeOfCycles().check(main);
	}
}
