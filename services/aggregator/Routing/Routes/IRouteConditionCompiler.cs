using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>
/// Turns a route's <c>when</c> text into a predicate. The one seam between routing and the expression language of
/// the processing rules, so routes and transforms accept exactly the same conditions.
/// </summary>
public interface IRouteConditionCompiler
{
    /// <returns>The predicate, or null and an error naming the problem (with its column where the language knows it).</returns>
    (Func<LogEvent, bool>? Match, string? Error) Compile(string text);
}
