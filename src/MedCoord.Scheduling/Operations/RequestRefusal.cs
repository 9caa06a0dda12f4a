using MedCoord.Scheduling.Validation;

namespace MedCoord.Scheduling.Operations;

/// <summary>Why an operation on one request of a book (a recommendation, a cancellation) cannot be done.</summary>
public enum RequestRefusalReason
{
    /// <summary>The problem has no request with the id.</summary>
    UnknownRequest,

    /// <summary>Slots were asked for a request the book holds already.</summary>
    AlreadyBooked,

    /// <summary>A cancellation named a request the book does not hold.</summary>
    NotBooked,

    /// <summary>Slots were asked for a visit of a series, which is booked whole by a solve or a re-plan.</summary>
    SeriesVisit,

    /// <summary>A cancellation named a fixed booking of the problem.</summary>
    FixedBooking,
}

/// <summary>An operation's refusal of one request: which, why (a code to switch on) and a message for people (ids only).</summary>
/// <param name="RequestId">The request named.</param>
/// <param name="Reason">Why it is refused.</param>
/// <param name="Message">What is wrong, naming the request (and the series) by id.</param>
public sealed record RequestRefusal(string RequestId, RequestRefusalReason Reason, string Message)
{
    /// <summary>The refusal as a validation error at the caller's path (a parameter, a command-line flag).</summary>
    /// <param name="path">Where the request id was given.</param>
    /// <returns>The error.</returns>
    public ValidationError At(string path) => new(path, Message);
}

/// <summary>Thrown when an operation refuses the request it was given; <see cref="Refusal"/> says which and why.</summary>
public sealed class RequestRefusedException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="refusal">The refusal.</param>
    /// <param name="paramName">The parameter that named the request.</param>
    public RequestRefusedException(RequestRefusal refusal, string paramName)
        : base((refusal ?? throw new ArgumentNullException(nameof(refusal))).Message, paramName)
    {
        Refusal = refusal;
    }

    /// <summary>Gets the refusal.</summary>
    public RequestRefusal Refusal { get; }
}
