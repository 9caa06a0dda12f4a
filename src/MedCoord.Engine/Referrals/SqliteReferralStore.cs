using MedCoord.Engine.Audit;
using MedCoord.Engine.Storage;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace MedCoord.Engine.Referrals;

/// <summary>Thrown when a referral was changed by someone else since it was read: read it again and retry.</summary>
public sealed class ReferralConcurrencyException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="referralId">The referral.</param>
    /// <param name="expectedVersion">The version the change was based on.</param>
    /// <param name="storedVersion">The version stored now (0 when it is gone).</param>
    public ReferralConcurrencyException(string referralId, long expectedVersion, long storedVersion)
        : base($"Referral '{referralId}' was changed by someone else (version {storedVersion}, this change was based on {expectedVersion}); nothing was saved: read it again and retry.")
    {
        (ReferralId, ExpectedVersion, StoredVersion) = (referralId, expectedVersion, storedVersion);
    }

    /// <summary>Gets the referral.</summary>
    public string ReferralId { get; }

    /// <summary>Gets the version the change was based on.</summary>
    public long ExpectedVersion { get; }

    /// <summary>Gets the version stored now.</summary>
    public long StoredVersion { get; }
}

/// <summary>
/// Referrals in the engine's SQLite database. Saving writes the referral, its new transitions and one audit entry per
/// change in one transaction, and only if nobody saved it since it was read (optimistic concurrency). Thread safe.
/// </summary>
public sealed class SqliteReferralStore
{
    private readonly SqliteDatabase _database;
    private readonly SqliteAuditLog _audit;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    /// <param name="audit">The audit trail the changes are recorded in.</param>
    public SqliteReferralStore(SqliteDatabase database, SqliteAuditLog audit)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(audit);
        (_database, _audit) = (database, audit);
    }

    /// <summary>Saves a new referral (version 0) or a changed one read at its current version.</summary>
    /// <param name="referral">The referral.</param>
    /// <param name="actor">Who saves it (for a new one, the audit entry's actor).</param>
    /// <returns>The referral as stored, with its new version.</returns>
    /// <exception cref="ReferralConcurrencyException">Someone else saved it since it was read (or it exists already).</exception>
    public Referral Save(Referral referral, string actor)
    {
        ArgumentNullException.ThrowIfNull(referral);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        using var connection = _database.Connect();
        using var transaction = connection.BeginTransaction(deferred: false);
        var stored = StoredVersion(connection, transaction, referral.Id);
        if ((stored ?? 0) != referral.Version)
        {
            throw new ReferralConcurrencyException(referral.Id, referral.Version, stored ?? 0);
        }

        if (referral.Version > 0)
        {
            EnsureUnchangedFacts(connection, transaction, referral);
        }

        var saved = referral with { Version = referral.Version + 1 };
        using (var write = connection.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = referral.Version == 0
                ? """
                  INSERT INTO referrals (id, version, patient_id, from_provider_id, target, priority, created_at, status, sent_at)
                  VALUES ($id, $version, $patient, $from, $target, $priority, $created, $status, $sent)
                  """
                : "UPDATE referrals SET version = $version, status = $status, sent_at = $sent WHERE id = $id";
            write.Parameters.AddWithValue("$id", saved.Id);
            write.Parameters.AddWithValue("$version", saved.Version);
            write.Parameters.AddWithValue("$patient", saved.PatientId);
            write.Parameters.AddWithValue("$from", saved.FromProviderId);
            write.Parameters.AddWithValue("$target", saved.Target);
            write.Parameters.AddWithValue("$priority", saved.Priority.ToString());
            write.Parameters.AddWithValue("$created", Format(saved.CreatedAt));
            write.Parameters.AddWithValue("$status", saved.Status.ToString());
            write.Parameters.AddWithValue("$sent", saved.SentAt is { } sent ? Format(sent) : DBNull.Value);
            write.ExecuteNonQuery();
        }

        var known = referral.Version == 0 ? 0 : HistoryCount(connection, transaction, referral.Id);
        if (saved.History.Count < known)
        {
            throw new ArgumentException($"Referral '{referral.Id}' has {saved.History.Count} transitions but {known} are stored: history is only ever added to.", nameof(referral));
        }

        if (referral.Version == 0)
        {
            _audit.Append(connection, transaction, actor, "referral", saved.Id, "Created");
        }

        for (var i = known; i < saved.History.Count; i++)
        {
            var t = saved.History[i];
            using var history = connection.CreateCommand();
            history.Transaction = transaction;
            history.CommandText = """
                INSERT INTO referral_history (referral_id, position, from_status, to_status, actor, at, reason)
                VALUES ($id, $position, $from, $to, $actor, $at, $reason)
                """;
            history.Parameters.AddWithValue("$id", saved.Id);
            history.Parameters.AddWithValue("$position", i);
            history.Parameters.AddWithValue("$from", t.From.ToString());
            history.Parameters.AddWithValue("$to", t.To.ToString());
            history.Parameters.AddWithValue("$actor", t.Actor);
            history.Parameters.AddWithValue("$at", Format(t.At));
            history.Parameters.AddWithValue("$reason", t.Reason);
            history.ExecuteNonQuery();
            _audit.Append(connection, transaction, t.Actor, "referral", saved.Id, t.To.ToString());
        }

        transaction.Commit();
        return saved;
    }

    /// <summary>The referral as stored, or null when there is none with that id.</summary>
    /// <param name="id">The referral id.</param>
    /// <returns>The referral.</returns>
    public Referral? Find(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        return All(id).SingleOrDefault();
    }

    /// <summary>Every stored referral, by id.</summary>
    /// <returns>The referrals.</returns>
    public IReadOnlyList<Referral> List() => All(null);

    /// <param name="id">One referral, or every one when null.</param>
    private List<Referral> All(string? id)
    {
        using var connection = _database.Connect();
        var history = new Dictionary<string, List<ReferralTransition>>(StringComparer.Ordinal);
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT referral_id, from_status, to_status, actor, at, reason FROM referral_history {(id is null ? string.Empty : "WHERE referral_id = $id")} ORDER BY referral_id, position";
            if (id is not null)
            {
                read.Parameters.AddWithValue("$id", id);
            }

            using var r = read.ExecuteReader();
            while (r.Read())
            {
                (history.TryGetValue(r.GetString(0), out var list) ? list : history[r.GetString(0)] = []).Add(new ReferralTransition(
                    Enum.Parse<ReferralStatus>(r.GetString(1)), Enum.Parse<ReferralStatus>(r.GetString(2)), r.GetString(3), Parse(r.GetString(4)), r.GetString(5)));
            }
        }

        using var select = connection.CreateCommand();
        select.CommandText = $"SELECT id, version, patient_id, from_provider_id, target, priority, created_at, status, sent_at FROM referrals {(id is null ? string.Empty : "WHERE id = $id")} ORDER BY id";
        if (id is not null)
        {
            select.Parameters.AddWithValue("$id", id);
        }

        using var reader = select.ExecuteReader();
        var referrals = new List<Referral>();
        while (reader.Read())
        {
            var referralId = reader.GetString(0);
            referrals.Add(new Referral(referralId, reader.GetString(2), reader.GetString(3), reader.GetString(4), Enum.Parse<ReferralPriority>(reader.GetString(5)),
                Parse(reader.GetString(6)), Enum.Parse<ReferralStatus>(reader.GetString(7)), reader.IsDBNull(8) ? null : Parse(reader.GetString(8)),
                history.TryGetValue(referralId, out var h) ? h : [], reader.GetInt64(1)));
        }

        return referrals;
    }

    /// <summary>Who the referral is for, from whom, to where and how urgent are fixed once it is created.</summary>
    private static void EnsureUnchangedFacts(SqliteConnection connection, SqliteTransaction transaction, Referral referral)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT patient_id, from_provider_id, target, priority, created_at FROM referrals WHERE id = $id";
        read.Parameters.AddWithValue("$id", referral.Id);
        using var r = read.ExecuteReader();
        r.Read();
        if (r.GetString(0) != referral.PatientId || r.GetString(1) != referral.FromProviderId || r.GetString(2) != referral.Target
            || r.GetString(3) != referral.Priority.ToString() || r.GetString(4) != Format(referral.CreatedAt))
        {
            throw new ArgumentException($"Referral '{referral.Id}': its patient, referrer, target, priority and creation time are fixed once it is created.", nameof(referral));
        }
    }

    private static long? StoredVersion(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT version FROM referrals WHERE id = $id";
        read.Parameters.AddWithValue("$id", id);
        return read.ExecuteScalar() is long version ? version : null;
    }

    private static int HistoryCount(SqliteConnection connection, SqliteTransaction transaction, string id)
    {
        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COUNT(*) FROM referral_history WHERE referral_id = $id";
        read.Parameters.AddWithValue("$id", id);
        return (int)(long)read.ExecuteScalar()!;
    }

    private static string Format(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private static Instant Parse(string text) => InstantPattern.ExtendedIso.Parse(text).GetValueOrThrow();
}
