"""Fuente in Spanish in a real browser: the switcher works with JavaScript off, and a reading in
Spanish passes axe-core at phone width and on a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_quiz_in_the_browser import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_switcher_works_without_javascript_and_the_choice_follows_the_student(
    demo_site, browser, artifacts
):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 375, "height": 812}, locale="en-US"
    )
    page = context.new_page()
    page.goto(f"{demo_site}/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.url.endswith("/login/")
    page.screenshot(path=str(artifacts / "es-login-375.png"), full_page=True)

    page.get_by_label("Nombre de usuario").fill("student1")
    page.get_by_label("Contraseña").fill("fuente-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", name="Tus cursos")).to_be_visible()
    page.get_by_label("Idioma").select_option("es")
    page.get_by_role("button", name="Cambiar").click()  # stores the choice in her profile
    context.close()

    # Another browser, in English: her stored choice wins once she logs in.
    other = browser.new_context(java_script_enabled=False, locale="en-US")
    page = other.new_page()
    page.goto(f"{demo_site}/login/")
    page.get_by_label("Username").fill("student1")
    page.get_by_label("Password").fill("fuente-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Tus cursos")).to_be_visible()
    other.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_a_reading_in_spanish_passes_axe_and_fits(demo_site, browser, artifacts, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="es-MX")
    page = context.new_page()
    page.goto(f"{demo_site}/login/")
    page.get_by_label("Nombre de usuario").fill("student2")
    page.get_by_label("Contraseña").fill("fuente-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.goto(f"{demo_site}/courses/rivers/readings/river-flow/")
    expect(page.get_by_role("button", name="Marcar como leída")).to_be_visible()
    expect(page.get_by_text("Nivel de lectura: grado")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    assert axe_violations(page) == []
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    page.screenshot(path=str(artifacts / f"es-reading-{width}.png"))
    context.close()
