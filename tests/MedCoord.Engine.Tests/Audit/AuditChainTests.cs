using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using NodaTime;
using Xunit;

namespace MedCoord.Engine.Tests.Audit;

/// <summary>
/// The chain check on its own: every way an entry can be wrong is named with the entry's sequence and the exact
/// problem, on chains whose hashes are otherwise valid (so only the check under test can catch them).
/// </summary>
public sealed class AuditChainTests
{
    private static readonly EngineKey AuditKey = EngineKey.FromBytes(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());
    private static readonly EngineKey OtherKey = EngineKey.FromBytes(new byte[32]);
    private static readonly Instant T0 = Instant.FromUtc(2026, 12, 7, 16, 0);

    /// <summary>One entry of a chain to build: its format (1 or 2, or anything else to test an unknown one), its key, and what it commits to.</summary>
    private sealed record Spec(int Format, EngineKey? Key = null, string? Content = null, string Kind = "consent", string Id = "consent-1");

    private static Spec F1 => new(1);

    private static Spec F2 => new(2);

    private static Spec Keyed => new(2, AuditKey);

    /// <summary>A chain with valid links and hashes: entry i at T0 + i minutes.</summary>
    private static List<AuditEntry> Chain(params Spec[] specs)
    {
        var entries = new List<AuditEntry>();
        var previous = AuditEntry.GenesisHash;
        for (var i = 0; i < specs.Length; i++)
        {
            var s = specs[i];
            var at = T0 + Duration.FromMinutes(i);
            var entry = s.Format == 1
                ? new AuditEntry(i + 1, at, "desk-1", s.Kind, s.Id, "Consent.Given", previous, AuditEntry.ComputeHash(i + 1, at, "desk-1", s.Kind, s.Id, "Consent.Given", previous))
                : Rehash(AuditEntry.Create(i + 1, at, "desk-1", s.Kind, s.Id, "Consent.Given", s.Content, previous, s.Key) with { Format = s.Format }, s.Key);
            entries.Add(entry);
            previous = entry.Hash;
        }

        return entries;
    }

    private static AuditEntry Rehash(AuditEntry entry, EngineKey? key) => entry with { Hash = entry.ExpectedHash(key) };

    private static string HeadOf(List<AuditEntry> entries) => $"{entries.Count}:{entries[^1].Hash}";

    [Fact]
    public void Verify_NoEntries_IsIntactWithTheGenesisHead()
    {
        var expected = new AuditVerification(true, 0, null, null) { Head = "0:0000000000000000000000000000000000000000000000000000000000000000" };

        Assert.Equal(expected, AuditChain.Verify([]));
        Assert.Equal(expected, AuditChain.Verify([], (0, AuditEntry.GenesisHash)));
        Assert.Equal(expected, AuditChain.Verify([], null, AuditKey));
        Assert.Throws<ArgumentNullException>(() => AuditChain.Verify(null!));
    }

    [Fact]
    public void Verify_IntactChainOfEveryFormat_ReportsItsHeadAndHowManyKeyedEntriesWentUnchecked()
    {
        var entries = Chain(F1, F1, F2, Keyed, Keyed);

        var withKey = AuditChain.Verify(entries, (5, entries[^1].Hash), AuditKey);
        var withoutKey = AuditChain.Verify(entries, (5, entries[^1].Hash));

        Assert.Equal(new AuditVerification(true, 5, null, null) { Head = HeadOf(entries) }, withKey);
        Assert.Equal(new AuditVerification(true, 5, null, null) { Head = HeadOf(entries), UncheckedEntries = 2 }, withoutKey);
    }

    [Fact]
    public void Verify_AMissingEntry_IsNamedWithTheNextOneFound()
    {
        var entries = Chain(F2, F2, F2, F2);
        entries.RemoveAt(2);

        Assert.Equal(new AuditVerification(false, 2, 3, "entry 3 is missing (the next entry is 4): deleted"), AuditChain.Verify(entries));
    }

    [Fact]
    public void Verify_AnEntryTwice_IsNamedWhereTheNextBelongs()
    {
        var entries = Chain(F2, F2, F2);
        entries[2] = entries[1];

        Assert.Equal(new AuditVerification(false, 2, 3, "entry 2 appears where entry 3 belongs: reordered or duplicated"), AuditChain.Verify(entries));
    }

    [Fact]
    public void Verify_AnEntryFromAnotherChain_BreaksTheLinkThere()
    {
        var entries = Chain(F2, F2, F2);
        var other = Chain(new Spec(2, Id: "consent-2"), new Spec(2, Id: "consent-2"));
        entries[1] = other[1];

        Assert.Equal(
            new AuditVerification(false, 1, 2, "entry 2 does not follow entry 1: the chain is broken (an entry was replaced or reordered)"),
            AuditChain.Verify(entries));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-1)]
    public void Verify_AnUnknownFormat_IsEditedEvenWhenItsHashMatches(int format)
    {
        var entries = Chain(F1, new Spec(format), F2);

        Assert.Equal(new AuditVerification(false, 1, 2, $"entry 2 has an unknown format ({format}): edited"), AuditChain.Verify(entries));
    }

    [Fact]
    public void Verify_AnOldFormatEntryAfterCurrentOnes_IsARewriteNamingTheFirstCurrentEntry()
    {
        var entries = Chain(F1, F2, F2, F1);

        Assert.Equal(new AuditVerification(false, 3, 4, "entry 4 is in the old format, after entry 2 in the current one: rewritten"), AuditChain.Verify(entries));
    }

    [Fact]
    public void Verify_AnUnkeyedEntryAfterKeyedOnes_NamesTheLastKeyedEntry_WithAndWithoutTheKey()
    {
        var entries = Chain(F2, Keyed, Keyed, F2, Keyed);
        var expected = new AuditVerification(false, 3, 4, "entry 4 is not keyed, after keyed entry 3: written or rewritten without the audit key");

        Assert.Equal(expected, AuditChain.Verify(entries, null, AuditKey));
        Assert.Equal(expected, AuditChain.Verify(entries));
    }

    [Fact]
    public void Verify_AnEntryNamingAnotherKey_IsEditedWhenTheOthersNameTheKeyGiven()
    {
        var entries = Chain(Keyed, new Spec(2, OtherKey), Keyed);

        Assert.Equal(
            new AuditVerification(false, 1, 2, $"entry 2 names audit key {OtherKey.Id}, not the chain's key {AuditKey.Id}: edited"),
            AuditChain.Verify(entries, null, AuditKey));
    }

    [Fact]
    public void Verify_AnEditedKeyIdColumn_IsTamperingNotAWrongKey()
    {
        var entries = Chain(Keyed);
        entries[0] = entries[0] with { KeyId = "ffffffffffffffff" };

        Assert.Equal(
            new AuditVerification(false, 0, 1, $"entry 1 names audit key ffffffffffffffff, not the chain's key {AuditKey.Id}: edited"),
            AuditChain.Verify(entries, null, AuditKey));
    }

    [Fact]
    public void Verify_AnotherAuditKey_ThrowsNamingTheChainsKey()
    {
        var entries = Chain(F1, F2, Keyed, Keyed);

        var error = Assert.Throws<EngineKeyException>(() => AuditChain.Verify(entries, null, OtherKey));

        Assert.Equal($"The audit chain is keyed with audit key {AuditKey.Id}; the audit key given is {OtherKey.Id}.", error.Message);
        Assert.Equal(AuditKey.Id, error.KeyId);
    }

    [Theory]
    [InlineData(0, "Action")]
    [InlineData(1, "Action")]
    [InlineData(1, "Content")]
    [InlineData(2, "Action")]
    [InlineData(2, "Content")]
    [InlineData(2, "Hash")]
    public void Verify_AnEditedField_DoesNotMatchItsHash(int which, string field)
    {
        var entries = Chain(F1, F2, Keyed);
        var e = entries[which];
        entries[which] = field switch
        {
            "Action" => e with { Action = "Consent.Revoked" },
            "Content" => e with { Content = "v2:00" },
            _ => e with { Hash = e.ExpectedHash(OtherKey) },
        };

        Assert.Equal(new AuditVerification(false, which, which + 1, $"entry {which + 1} does not match its hash: edited"), AuditChain.Verify(entries, null, AuditKey));
    }

    [Fact]
    public void Verify_KeyedEntriesWithoutTheKey_AreNotCheckedForTheirHash()
    {
        var entries = Chain(F2, Keyed, Keyed);
        entries[2] = entries[2] with { Action = "Consent.Revoked" };

        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = HeadOf(entries), UncheckedEntries = 2 }, AuditChain.Verify(entries));
    }

    [Theory]
    [InlineData(3, true, null, null)]
    [InlineData(3, false, 3L, "the log ends at entry 3 but entry 3 was written last: entries at the end were deleted or replaced")]
    [InlineData(2, true, 2L, "the log ends at entry 3 but entry 2 was written last: entries at the end were deleted or replaced")]
    [InlineData(4, true, 4L, "the log ends at entry 3 but entry 4 was written last: entries at the end were deleted or replaced")]
    [InlineData(6, true, 4L, "the log ends at entry 3 but entry 6 was written last: entries at the end were deleted or replaced")]
    [InlineData(0, false, 0L, "the log ends at entry 3 but entry 0 was written last: entries at the end were deleted or replaced")]
    public void Verify_TheRecordedLastWrite_MustBeTheLastEntry(long tipSequence, bool tipHashOfThatEntry, long? firstBad, string? problem)
    {
        var entries = Chain(F2, F2, F2);
        var hash = tipHashOfThatEntry ? entries[(int)Math.Min(tipSequence, 3) - 1].Hash : AuditEntry.GenesisHash;

        var result = AuditChain.Verify(entries, (tipSequence, hash));

        Assert.Equal((problem is null, 3L, firstBad, problem), (result.Intact, result.Entries, result.FirstBadSequence, result.Problem));
    }

    [Fact]
    public void Verify_WithTheKey_AChainEndingUnkeyed_IsRewritten_ButAnOldOrKeyedEndIsNot()
    {
        var unkeyedEnd = Chain(F1, F2);

        Assert.Equal(
            new AuditVerification(false, 2, 2, "entry 2, the last, is not keyed although the audit key was given: the chain was written or rewritten without the key"),
            AuditChain.Verify(unkeyedEnd, null, AuditKey));
        Assert.True(AuditChain.Verify(unkeyedEnd).Intact);
        Assert.True(AuditChain.Verify(Chain(F1, F1), null, AuditKey).Intact);
        Assert.True(AuditChain.Verify(Chain(F1, F2, Keyed), null, AuditKey).Intact);
    }

    [Fact]
    public void CheckHead_ACheckpointStillThere_IsNull_ATruncatedOrRewrittenLogIsNamed()
    {
        var entries = Chain(F2, F2, F2);

        Assert.Null(AuditChain.CheckHead(entries, 3, entries[2].Hash));
        Assert.Null(AuditChain.CheckHead(entries, 2, entries[1].Hash));
        Assert.Null(AuditChain.CheckHead(entries, 0, AuditEntry.GenesisHash));
        Assert.Equal("the log ends at entry 3, before the checkpoint at entry 4: entries were deleted (truncated)", AuditChain.CheckHead(entries, 4, entries[2].Hash));
        Assert.Equal("entry 2 is not the one checkpointed (its hash differs): the log was rewritten", AuditChain.CheckHead(entries, 2, entries[2].Hash));
        Assert.Equal("entry 0 is not the one checkpointed (its hash differs): the log was rewritten", AuditChain.CheckHead(entries, 0, entries[0].Hash));
        Assert.Equal("entry 1 is not the one checkpointed (its hash differs): the log was rewritten", AuditChain.CheckHead(entries, 1, entries[0].Hash.ToUpperInvariant()));
        Assert.Throws<ArgumentNullException>(() => AuditChain.CheckHead(null!, 0, AuditEntry.GenesisHash));
        Assert.Throws<ArgumentNullException>(() => AuditChain.CheckHead(entries, 0, null!));
    }

    private static RecordRow Row(string id, long version, string body = """{"v":1}""", string? keyId = null) => new("consent", id, version, keyId, body);

    /// <summary>A chain writing consent-1 (v1), consent-2 (v1), consent-1 (v2), and the rows as the engine leaves them.</summary>
    private static (List<AuditEntry> Entries, List<RecordRow> Rows) Written()
    {
        var rows = new[] { Row("consent-1", 1), Row("consent-2", 1, """{"v":2}"""), Row("consent-1", 2, """{"v":3}""") };
        var entries = Chain([.. rows.Select(r => new Spec(2, AuditKey, r.Commitment, r.Kind, r.Id))]);
        return (entries, [rows[2], rows[1]]);
    }

    [Fact]
    public void VerifyRecords_EveryRowTheVersionItsLastEntryWrote_IsIntactAndCounted()
    {
        var (entries, rows) = Written();

        var result = AuditChain.Verify(entries, (3, entries[^1].Hash), AuditKey, rows);

        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = HeadOf(entries), Records = 2 }, result);
    }

    [Fact]
    public void VerifyRecords_ARowRolledBackToAnEarlierVersion_NamesTheEntryAndVersion()
    {
        var (entries, rows) = Written();
        rows[0] = Row("consent-1", 1);

        var result = AuditChain.Verify(entries, null, AuditKey, rows);

        Assert.Equal(
            new AuditVerification(false, 3, 3, "the consent 'consent-1' is not what entry 3 wrote (version 2): edited outside the engine") { Head = HeadOf(entries), Records = 2 },
            result);
    }

    [Fact]
    public void VerifyRecords_AMissingRow_NamesTheEntryThatWroteIt()
    {
        var (entries, rows) = Written();

        var result = AuditChain.Verify(entries, null, AuditKey, [rows[0]]);

        Assert.Equal(
            new AuditVerification(false, 3, 2, "the consent 'consent-2' that entry 2 wrote (version 1) is missing: deleted outside the engine") { Head = HeadOf(entries), Records = 1 },
            result);
    }

    [Fact]
    public void VerifyRecords_SeveralProblems_TheEarliestEntryFirstThenRowsNoEntryWroteInOrdinalOrder()
    {
        var (entries, rows) = Written();

        var missingAndEdited = AuditChain.Verify(entries, null, AuditKey, [Row("consent-1", 1)]);
        var editedAndAdded = AuditChain.Verify(entries, null, AuditKey, [Row("consent-9", 1), Row("consent-1", 1), rows[1]]);
        var twoAdded = AuditChain.Verify(entries, null, AuditKey, [.. rows, Row("consent-9", 1), Row("consent-8", 1)]);

        Assert.Equal((2L, "the consent 'consent-2' that entry 2 wrote (version 1) is missing: deleted outside the engine"), (missingAndEdited.FirstBadSequence!.Value, missingAndEdited.Problem));
        Assert.Equal((3L, "the consent 'consent-1' is not what entry 3 wrote (version 2): edited outside the engine"), (editedAndAdded.FirstBadSequence!.Value, editedAndAdded.Problem));
        Assert.Equal((null, "the consent 'consent-8' was written by no audit entry: added outside the engine", 4L), (twoAdded.FirstBadSequence, twoAdded.Problem, twoAdded.Records));
    }

    [Fact]
    public void VerifyRecords_RowsOldEntriesNamedInClear_AreUnproven_AnEncryptedOneOrOneNoEntryNamesWasAdded()
    {
        var entries = Chain(new Spec(1, Id: "consent-1"), new Spec(1, Id: "consent-2"), new Spec(1, Id: "consent-3"));

        var clear = AuditChain.Verify(entries, null, AuditKey, [Row("consent-1", 4), Row("consent-2", 1)]);
        var encrypted = AuditChain.Verify(entries, null, AuditKey, [Row("consent-1", 4), Row("consent-2", 1, keyId: "547c1367c46ca278")]);
        var unnamed = AuditChain.Verify(entries, null, null, [Row("consent-1", 4), Row("consent-7", 1)]);

        Assert.Equal(new AuditVerification(true, 3, null, null) { Head = HeadOf(entries), Records = 2, UnprovenRecords = 2 }, clear);
        Assert.Equal(
            new AuditVerification(false, 3, null, "the consent 'consent-2' was written by no audit entry: added outside the engine") { Head = HeadOf(entries), Records = 2, UnprovenRecords = 1 },
            encrypted);
        Assert.Equal("the consent 'consent-7' was written by no audit entry: added outside the engine", unnamed.Problem);
    }

    [Fact]
    public void VerifyRecords_AnOldEntryThenACurrentOne_TheRowMustBeWhatTheCurrentOneWrote()
    {
        var row = Row("consent-1", 2);
        var entries = Chain(new Spec(1), new Spec(2, null, row.Commitment));

        var ok = AuditChain.Verify(entries, null, null, [row]);

        Assert.Equal((true, 0L, 1L), (ok.Intact, ok.UnprovenRecords, ok.Records));
        Assert.Equal(
            "the consent 'consent-1' is not what entry 2 wrote (version 2): edited outside the engine",
            AuditChain.Verify(entries, null, null, [Row("consent-1", 1)]).Problem);
    }

    [Fact]
    public void VerifyRecords_ReadEntriesAndEntriesCommittingToNothing_WriteNoRecord()
    {
        var entries = Chain(
            new Spec(2, Content: """{"patients":["pat-1"],"records":["consent:consent-1"]}""", Kind: AuditEntry.ReadEntityType, Id: "pat-1"),
            new Spec(2, Content: null, Id: "consent-1"));

        var none = AuditChain.Verify(entries, null, null, []);
        var one = AuditChain.Verify(entries, null, null, [Row("consent-1", 1)]);

        Assert.Equal(new AuditVerification(true, 2, null, null) { Head = HeadOf(entries) }, none);
        Assert.Equal("the consent 'consent-1' was written by no audit entry: added outside the engine", one.Problem);
    }

    [Theory]
    [InlineData("v12:abc", "version 12")]
    [InlineData("v:abc", "an unreadable version")]
    [InlineData(":abc", "an unreadable version")]
    [InlineData("v12", "an unreadable version")]
    public void VerifyRecords_TheVersionAnEntryWrote_IsReadFromItsContent(string content, string version)
    {
        var entries = Chain(new Spec(2, Content: content));

        Assert.Equal($"the consent 'consent-1' is not what entry 1 wrote ({version}): edited outside the engine", AuditChain.Verify(entries, null, null, [Row("consent-1", 12)]).Problem);
        Assert.Equal($"the consent 'consent-1' that entry 1 wrote ({version}) is missing: deleted outside the engine", AuditChain.Verify(entries, null, null, []).Problem);
    }

    [Fact]
    public void VerifyRecords_ABrokenChain_IsReportedBeforeAnyRecord()
    {
        var (entries, rows) = Written();
        entries[1] = entries[1] with { Actor = "someone" };

        Assert.Equal(new AuditVerification(false, 1, 2, "entry 2 does not match its hash: edited"), AuditChain.Verify(entries, null, AuditKey, rows));
    }

    /// <summary>Hashes computed by hand (Python's hashlib and hmac) from the documented field layout.</summary>
    [Fact]
    public void Hashes_MatchTheDocumentedLayout()
    {
        var at = Instant.FromUtc(2026, 12, 7, 16, 0);
        var plain = AuditEntry.Create(1, at, "desk-1", "consent", "consent-1", "Consent.Given", "v1:abc", AuditEntry.GenesisHash, null);
        var keyed = AuditEntry.Create(1, at, "desk-1", "consent", "consent-1", "Consent.Given", "v1:abc", AuditEntry.GenesisHash, AuditKey);
        var empty = AuditEntry.Create(1, at, "desk-1", "consent", "consent-1", "Consent.Given", null, AuditEntry.GenesisHash, null);

        Assert.Equal(
            "e34301d4c3f8c9ea31d1a594ca90cb2764a584aed53b97e85a3aae2bc1eb48d5",
            AuditEntry.ComputeHash(1, Instant.FromUtc(2026, 11, 16, 16, 0), "dr-lopez", "referral", "ref-derm", "Referral.Draft", AuditEntry.GenesisHash));
        Assert.Equal((2, (string?)null, "4a0800b91f0cd43038ecb6cb926097b4972e6bec649d88dab32fd32a69e0c524"), (plain.Format, plain.KeyId, plain.Hash));
        Assert.Equal((2, "f6d59b68f284351c", "bb410c9866b382cb50343f03d9fc6b29843dfb1e0449481129e2603341c85ab5"), (keyed.Format, keyed.KeyId, keyed.Hash));
        Assert.Equal("6927d69c4d489243404f03e8c820bf8ac38fad367bc4cf2aadfe426a5b0230bb", empty.Hash);
        Assert.Equal(1, new AuditEntry(1, at, "a", "b", "c", "d", "e", "f").Format);
        Assert.Equal("1:a\n0:\n2:bc\n", Fields.Join("a", string.Empty, "bc"));
    }
}
