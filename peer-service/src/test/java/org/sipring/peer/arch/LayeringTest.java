package org.sipring.peer.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps library types in their adapter packages (docs/overlay.md): the overlay core is plain
 * Java, Netty stays in the link adapter, Berkeley DB in the storage adapter, Spring stays in app
 * and admin, and the core never reads the system clock or sleeps.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.sipring.peer");
    }

    @Test
    void coreHasNoFrameworks() {
        coreHasNoFrameworks.check(classes);
    }

    @Test
    void nettyOnlyInTheLinkAdapter() {
        nettyOnlyInTheLinkAdapter.check(classes);
    }

    @Test
    void springOnlyInAppAndAdmin() {
        springOnlyInAppAndAdmin.check(classes);
    }

    @Test
    void jainSipOnlyInTheSipAdapter() {
        jainSipOnlyInTheSipAdapter.check(classes);
    }

    @Test
    void berkeleyDbOnlyInTheStorageAdapter() {
        berkeleyDbOnlyInTheStorageAdapter.check(classes);
    }

    @Test
    void coreUsesTheInjectedClock() {
        coreUsesTheInjectedClock.check(classes);
    }

    @Test
    void coreDoesNotReachForLinkAdapters() {
        coreDoesNotReachForLinkAdapters.check(classes);
    }

    @Test
    void restAdapterUsesTheOverlayApiOnly() {
        restAdapterUsesTheOverlayApiOnly.check(classes);
    }

    private static final ArchRule restAdapterUsesTheOverlayApiOnly = noClasses()
        .that().resideInAPackage("..admin..")
        .should().dependOnClassesThat().resideInAnyPackage("..storage..", "..overlay.topology..", "..overlay.link..")
        .because("the REST adapter sees the overlay through its interface; app wires the implementations");

    private static final ArchRule coreHasNoFrameworks = noClasses()
        .that().resideInAnyPackage("..overlay", "..overlay.id..", "..overlay.topology..", "..overlay.message..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.netty..", "javax.sip..",
            "com.sleepycat..", "org.openstack4j..", "com.fasterxml..")
        .because("the overlay core is a library behind plain Java interfaces");

    private static final ArchRule nettyOnlyInTheLinkAdapter = noClasses()
        .that().resideOutsideOfPackages("..overlay.link..")
        .should().dependOnClassesThat().resideInAnyPackage("io.netty..")
        .because("Netty is the link adapter's business");

    private static final ArchRule springOnlyInAppAndAdmin = noClasses()
        .that().resideOutsideOfPackages("..app..", "..admin..")
        .should().dependOnClassesThat().resideInAnyPackage("org.springframework..")
        .because("Spring is the composition root and the REST adapter");

    private static final ArchRule jainSipOnlyInTheSipAdapter = noClasses()
        .that().resideOutsideOfPackages("..sip.jainsip..")
        .should().dependOnClassesThat().resideInAnyPackage("javax.sip..", "gov.nist..")
        .because("JAIN-SIP is the SIP adapter's business; the registrar rules are plain Java");

    private static final ArchRule berkeleyDbOnlyInTheStorageAdapter = noClasses()
        .that().resideOutsideOfPackages("..storage.bdb..")
        .should().dependOnClassesThat().resideInAnyPackage("com.sleepycat..")
        .because("Berkeley DB is the storage adapter's business; the rest sees the DataStore port");

    private static final ArchRule coreUsesTheInjectedClock = noClasses()
        .that().resideInAnyPackage("..overlay.topology..", "..overlay.id..")
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(Thread.class, "sleep", long.class)
        .because("the state machine runs on an injected clock so the simulator can drive it");

    private static final ArchRule coreDoesNotReachForLinkAdapters = noClasses()
        .that().resideInAnyPackage("..overlay.topology..")
        .should().dependOnClassesThat().haveSimpleNameStartingWith("Netty")
        .because("the chord logic never touches a socket");
}
