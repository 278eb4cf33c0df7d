package org.ntmgate.pages.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.InvalidConfigurationException;

/** What a page makes of a request's parameters, and how a refusal reads. */
class RequestsTest {
    @Test
    void aJsonBodyBecomesParametersWithListsAsLines() {
        Map<String, String> p = Json.parameters("{\"name\":\"x\",\"denyDestinations\":[\"2001:db8::/32\",\"a.example\"],\"limit\":5,\"none\":null}");
        assertEquals("x", p.get("name"));
        assertEquals("2001:db8::/32\na.example", p.get("denyDestinations"));
        assertEquals("5", p.get("limit"));
        assertEquals("", p.get("none"));
        PageException e = assertThrows(PageException.class, () -> Json.parameters("[1,2]"));
        assertEquals(400, e.status());
    }

    @Test
    void numbersOutOfRangeOrGarbageAreRefusedNamingTheParameter() {
        Query q = Query.of(Map.of("limit", "5000", "offset", "x", "q", "  a  "));
        PageException limit = assertThrows(PageException.class, () -> q.number("limit", 100, 1, 1000));
        assertEquals("limit", limit.field());
        assertEquals("must be a whole number from 1 to 1000, not '5000'", limit.getMessage());
        assertEquals("offset", assertThrows(PageException.class, () -> q.number("offset", 0, 0, 10)).field());
        assertEquals(7, q.number("absent", 7, 0, 10));
        assertEquals("a", q.get("q"), "trimmed");
        assertEquals("name", assertThrows(PageException.class, () -> q.required("name")).field());
    }

    @Test
    void aRefusedConfigurationReadsWithoutThePidAndFieldInFront() {
        PageException e = PageException.refused(new InvalidConfigurationException("org.ntmgate.pool~x", "prefix", "is not a prefix: 'garbage'"));
        assertEquals(400, e.status());
        assertEquals("prefix", e.field());
        assertEquals("is not a prefix: 'garbage'", e.getMessage());
    }
}
